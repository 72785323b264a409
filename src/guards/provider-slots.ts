import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { providerSlotKeys, providerSlotsChannel } from "../queue/redis-keys.js";
import { defineRedisScripts, runRedisScript } from "../queue/redis-script.js";
import { FREE_SLOTS, RENEW_SLOT, TAKE_SLOTS } from "./provider-slot-scripts.js";

/**
 * A tier's concurrency limit as slots held around the provider call alone, shared by every pod.
 *
 * Why not BullMQ's active job: a job holds that from its fetch to its completion — the admission, the
 * journal's notes, the ending, BullMQ's own completion and the next fetch — and at C=8, L=100 ms
 * those ~10 ms a job left 15% of the paid-for concurrency unused. Now BullMQ lets more jobs of a tier
 * run (queue/tier-active-limit.ts); each holds a slot only from its call's admission until the model
 * gate has heard how the call went (tiers/try-model.ts), and does the rest outside it. A slot given
 * back while another call of the same process waits goes straight to it (no round trip); otherwise it
 * goes back to Redis, which tells the waiting processes (PUBLISH).
 *
 * A slot is leased for its call's timeout plus LEASE_GRACE_MS, so a holder that dies (kill -9) loses
 * its slots for at most that long, and a live call's lease never runs out before the call does.
 */
export interface ProviderSlots {
  /**
   * Waits for one of `tier`'s slots (at most its limit, provider-slot-limits.ts, held across every
   * process) for a call that ends within `callMs`. Rejects when `signal` aborts (shutdown), when
   * closed, or on a Redis error.
   */
  take(tier: string, callMs: number, signal?: AbortSignal): Promise<ProviderSlot>;
  /** Rejects every waiting call and stops listening; slots held are given back as their calls end. */
  close(): Promise<void>;
}

export interface ProviderSlot {
  /** Gives the slot to the next waiting call, or back to Redis. Idempotent; never throws. */
  release(): void;
  /** The holder's request is being sent to the provider (callModel calls it just before). */
  callSent(): void;
  /**
   * Resolves once the calls of this process that hold one of the tier's slots unsent *now* have been
   * sent (or gave their slot up unsent), at once when none waits to go; calls that take a slot later
   * are not waited for (under steady load one always is about to go). A job that released its slot
   * waits for it before its own bookkeeping (its ending's writes, BullMQ's completion): calls that end
   * together would otherwise put that CPU between the next calls and their provider.
   */
  nextCallsSent(): Promise<void>;
}

/** The wait for a slot ended without one (nothing was called): shutdown, or the tier's slots closed. */
export class SlotWaitAbortedError extends Error {
  override name = "SlotWaitAbortedError";
  constructor(
    message: string,
    /** When the job may try again: 0 at shutdown (another worker may take it now). */
    readonly retryInMs = 0,
  ) {
    super(message);
  }
}

/** A closed tier (its limit lost with Redis's data, or fenced after such a loss) is asked again after this. */
export const CLOSED_RETRY_MS = 1_000;

/** A lease outlives its call's timeout by this much: the slack between taking a slot and the call starting. */
export const LEASE_GRACE_MS = 10_000;
/** A slot handed on keeps its lease when this much is left beyond the next call's timeout; else it is renewed first. */
const HANDOFF_MARGIN_MS = 2_000;
/** What nextCallsSent returns when no call of the tier waits to go (one resolved promise, not one per call). */
const NOTHING_TO_WAIT_FOR = Promise.resolve();
/** With calls waiting and the limit full, Redis is asked again this often even without a freed slot's message (a dead holder's lease ran out). */
const POLL_MS = 200;

export interface ProviderSlotsOptions {
  redis: Redis;
  prefix: string;
  /** Warnings (a lease lost under a running call). */
  warn?: (fields: Record<string, unknown>, message: string) => void;
  /** Monotonic ms. Default: performance.now. */
  now?: () => number;
  /** Default LEASE_GRACE_MS (tests shorten it to watch a dead holder's lease run out). */
  leaseGraceMs?: number;
}

interface Waiter {
  callMs: number;
  resolve: (slot: ProviderSlot) => void;
  reject: (error: unknown) => void;
}

interface TierSlots {
  waiters: Waiter[];
  /** The loop asking Redis for slots runs (one per tier and process). */
  asking: boolean;
  /** A slot was freed somewhere since the loop last asked. */
  freed: boolean;
  /** Slots of this process whose call has not been sent yet: each resolves when it is (nextCallsSent). */
  unsent: Set<Promise<void>>;
  wake?: () => void;
}

interface Held {
  tier: string;
  member: string;
  /** When the lease was last asked for (local clock, before the request left: a conservative start). */
  leasedAt: number;
  leaseMs: number;
  /** Redis said the tier holds more slots than its limit (lowered by a reload): give this one back. */
  overLimit: boolean;
}

export function createProviderSlots(options: ProviderSlotsOptions): ProviderSlots {
  const { redis, prefix } = options;
  defineRedisScripts(redis, [TAKE_SLOTS, RENEW_SLOT, FREE_SLOTS]);
  const now = options.now ?? (() => performance.now());
  const warn = options.warn ?? (() => undefined);
  const leaseGraceMs = options.leaseGraceMs ?? LEASE_GRACE_MS;
  const channel = providerSlotsChannel(prefix);
  const tiers = new Map<string, TierSlots>();
  const keysOf = (tier: string) => {
    const keys = providerSlotKeys(prefix, tier);
    return [keys.held, keys.limit, keys.fence];
  };
  let subscriber: Redis | undefined;
  let closed = false;

  const tierOf = (tier: string) => {
    let state = tiers.get(tier);
    if (!state) tiers.set(tier, (state = { waiters: [], asking: false, freed: false, unsent: new Set() }));
    return state;
  };

  const listen = () => {
    if (subscriber) return;
    subscriber = redis.duplicate({ enableAutoPipelining: false });
    subscriber.on("error", () => undefined);
    subscriber.on("message", (_channel: string, tier: string) => {
      const state = tiers.get(tier);
      if (!state) return;
      state.freed = true;
      state.wake?.();
    });
    // A lost message costs at most POLL_MS: the loop asks again anyway.
    subscriber.subscribe(channel).catch((error: unknown) => warn({ error: String(error) }, "could not listen for freed provider slots"));
  };

  const free = (tier: string, members: string[]) => {
    runRedisScript(redis, FREE_SLOTS, [providerSlotKeys(prefix, tier).held], [channel, tier, ...members]).catch((error: unknown) =>
      // Not given back: the lease runs out instead.
      warn({ tier, error: String(error) }, "could not give provider slots back"),
    );
  };

  const renew = async (held: Held, callMs: number): Promise<boolean> => {
    const leasedAt = now();
    const leaseMs = callMs + leaseGraceMs;
    const [kept, over] = (await runRedisScript(redis, RENEW_SLOT, keysOf(held.tier), [held.member, leaseMs])) as [number, number];
    if (kept !== 1) return false;
    held.leasedAt = leasedAt;
    held.leaseMs = leaseMs;
    held.overLimit = over === 1;
    return true;
  };

  /** A holder's slot. Until its call is sent (or the slot given up), it is among the tier's unsent calls. */
  const slotFor = (held: Held): ProviderSlot => {
    const state = tierOf(held.tier);
    let markSent!: () => void;
    const sent = new Promise<void>((resolve) => (markSent = resolve));
    state.unsent.add(sent);
    const callSent = () => {
      if (state.unsent.delete(sent)) markSent();
    };
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        callSent();
        handOn(held);
      },
      callSent,
      nextCallsSent: () => (state.unsent.size === 0 ? NOTHING_TO_WAIT_FOR : Promise.all(state.unsent).then(() => undefined)),
    };
  };

  const handOn = (held: Held) => {
    const state = tierOf(held.tier);
    const next = held.overLimit || closed ? undefined : state.waiters.shift();
    if (!next) return free(held.tier, [held.member]);
    const leftMs = held.leasedAt + held.leaseMs - now();
    if (leftMs >= next.callMs + HANDOFF_MARGIN_MS) {
      next.resolve(slotFor(held));
      // Renewed behind the call, which the lease left already covers.
      renew(held, next.callMs).then(
        (kept) => {
          if (!kept) warn({ tier: held.tier }, "a provider slot's lease was lost while its call ran (Redis lost its data?)");
        },
        (error: unknown) => warn({ tier: held.tier, error: String(error) }, "could not renew a provider slot's lease"),
      );
      return;
    }
    // Too little lease left for the next call: renewed first; if it was lost meanwhile, the call queues again.
    renew(held, next.callMs).then(
      (kept) => {
        if (kept) return next.resolve(slotFor(held));
        state.waiters.unshift(next);
        void ask(held.tier, state);
      },
      (error: unknown) => {
        // Not renewed (Redis failed): the call fails, and the slot is given back (or runs out).
        next.reject(error);
        free(held.tier, [held.member]);
      },
    );
  };

  /** The one loop per tier that asks Redis for slots while calls of this process wait for one. */
  const ask = async (tier: string, state: TierSlots) => {
    if (state.asking) return;
    state.asking = true;
    try {
      while (state.waiters.length > 0 && !closed) {
        state.freed = false;
        const wanted = state.waiters.length;
        const callMs = Math.max(...state.waiters.map((waiter) => waiter.callMs));
        const members = Array.from({ length: wanted }, () => randomUUID());
        const leasedAt = now();
        let taken: number;
        try {
          taken = Number(await runRedisScript(redis, TAKE_SLOTS, keysOf(tier), [callMs + leaseGraceMs, ...members]));
        } catch (error) {
          for (const waiter of state.waiters.splice(0, wanted)) waiter.reject(error);
          continue;
        }
        if (taken < 0) {
          // The tier's limit is gone (Redis lost its data: the job waiting here is likely gone with it,
          // and fed again from Postgres) or fenced while calls from before the loss may still run.
          // Waiting here would run these jobs after their new copies; they go back instead.
          const closed = new SlotWaitAbortedError(`tier ${tier}'s provider slots are closed (Redis lost its data)`, CLOSED_RETRY_MS);
          for (const waiter of state.waiters.splice(0, wanted)) waiter.reject(closed);
          continue;
        }
        // Waiters may have left (aborted) or been handed a slot meanwhile: slots nobody waits for go back.
        const granted = members.slice(0, taken);
        while (granted.length > 0 && state.waiters.length > 0) {
          const member = granted.shift()!;
          state.waiters.shift()!.resolve(slotFor({ tier, member, leasedAt, leaseMs: callMs + leaseGraceMs, overLimit: false }));
        }
        if (granted.length > 0) free(tier, granted);
        if (taken < wanted && state.waiters.length > 0 && !state.freed) await wakeOrPoll(state);
      }
    } finally {
      state.asking = false;
    }
  };

  const wakeOrPoll = (state: TierSlots) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, POLL_MS);
      function done() {
        clearTimeout(timer);
        state.wake = undefined;
        resolve();
      }
      state.wake = done;
    });

  return {
    take(tier, callMs, signal) {
      if (closed) return Promise.reject(new SlotWaitAbortedError("provider slots are closed"));
      if (signal?.aborted) return Promise.reject(new SlotWaitAbortedError("shutting down: the call was not made"));
      listen();
      const state = tierOf(tier);
      return new Promise<ProviderSlot>((resolve, reject) => {
        // Settled once: a slot that reaches a call which stopped waiting meanwhile (its hand-over
        // waited for a renewal while shutdown began) goes on at once instead of being held by nobody.
        let settled = false;
        const onAbort = () => {
          const index = state.waiters.indexOf(waiter);
          if (index >= 0) state.waiters.splice(index, 1);
          settled = true;
          reject(new SlotWaitAbortedError("shutting down: the call was not made"));
        };
        const waiter: Waiter = {
          callMs,
          resolve: (slot) => {
            if (settled) return slot.release();
            settled = true;
            signal?.removeEventListener("abort", onAbort);
            resolve(slot);
          },
          reject: (error) => {
            settled = true;
            signal?.removeEventListener("abort", onAbort);
            reject(error);
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        state.waiters.push(waiter);
        void ask(tier, state);
      });
    },
    async close() {
      closed = true;
      for (const state of tiers.values()) {
        for (const waiter of state.waiters.splice(0)) waiter.reject(new SlotWaitAbortedError("provider slots are closed"));
        state.wake?.();
      }
      await subscriber?.quit().catch(() => undefined);
    },
  };
}
