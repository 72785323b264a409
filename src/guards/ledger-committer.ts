import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { LedgerHealth } from "../ledger/ledger-health.js";
import type { LedgerWriter } from "../ledger/ledger-writer.js";
import { persist } from "../ledger/persist.js";
import { decodeAttempt, decodeOutcome, encodeAttempt, encodeOutcome } from "../ledger/record-codec.js";
import type { AttemptRecord, RequestOutcome } from "../ledger/records.js";
import type { Logger } from "../observability/logger.js";
import { LEDGER_COMMITTERS_GROUP, ledgerHandoffKey } from "../queue/redis-keys.js";

/**
 * Where a tier run hands its finished ending instead of waiting for the Postgres commit: the run
 * notes the ending in its journal and adds it here, both before the job completes, so the job can
 * free its provider slot at once. A crash at any point loses nothing (the entry, or the job, is
 * still there) and doubles nothing (attempts are written `on conflict do nothing`, an outcome only
 * over a queued request, and the rollup triggers see only rows actually written).
 */
export interface LedgerHandoff {
  /** Whether an ending may be handed off now; otherwise the job commits it itself, as before. */
  accepting(): boolean;
  /** Resolves once the entry is in Redis. */
  hand(runId: string, records: AttemptRecord[], outcome: RequestOutcome): Promise<void>;
}

export interface LedgerCommitter {
  readonly handoff: LedgerHandoff;
  /** Entries read and not yet committed by this process. */
  backlog(): number;
  /** Stops reading, waits for the commits in flight; what is left stays in the stream for the next committer. */
  close(): Promise<void>;
}

export interface LedgerCommitterOptions {
  /** Commands on the tier's path (XADD, XACK): the auto-pipelined connection. */
  redis: Redis;
  /** XREADGROUP blocks: a connection of its own, nothing else on it. */
  blocking: Redis;
  prefix: string;
  /** The group-committing writer the tiers use; its concurrent commits are the committer's parallelism. */
  ledger: LedgerWriter;
  health: LedgerHealth;
  logger: Logger;
  /** An entry read by a committer that went quiet this long is taken over (a dead worker's): its lock duration. */
  claimIdleMs: number;
  /** How often to look for such entries. */
  claimIntervalMs: number;
  /** Entries read at once. Default 256. */
  readCount?: number;
  /** Above this many uncommitted entries here, jobs commit their own endings again (back-pressure). Default 2000. */
  maxBacklog?: number;
  /** How long one XREADGROUP waits for new entries. Default 1000. */
  blockMs?: number;
  /** On close, how long to keep committing what is waiting before leaving it to the next committer. Default 10000. */
  drainMs?: number;
  /** How long this process keeps a copy of each entry it handed off, to add again if Redis loses the stream. Default 120000. */
  retainMs?: number;
  /** The most such copies kept (the oldest go first). Default 10000. */
  maxRetained?: number;
}

type StreamEntry = [id: string, fields: string[]];

/**
 * Redis answers so when the stream or its group is gone: a FLUSHALL, an eviction, a restart without
 * persistence. (A blocked XREADGROUP whose key is deleted is unblocked with the second.)
 */
export function isStreamLost(error: unknown): boolean {
  const message = String((error as Error)?.message ?? error);
  return message.includes("NOGROUP") || message.includes("no longer exists");
}

/**
 * Reads the hand-off stream in a consumer group (one consumer per process), writes each entry's
 * rows through the ledger writer — which group-commits them, several transactions at once — then
 * acknowledges and deletes the entry. An entry whose committer died is claimed after `claimIdleMs`
 * (XAUTOCLAIM), and so is one whose write failed for good here (retried until Postgres takes it).
 * `batch` and `results` read request status from Postgres, so a handed-off request shows as
 * finished only once its row is committed.
 */
export function createLedgerCommitter(options: LedgerCommitterOptions): LedgerCommitter {
  const { redis, blocking, prefix, ledger, health, logger } = options;
  const key = ledgerHandoffKey(prefix);
  const consumer = `c-${process.pid}-${randomBytes(4).toString("hex")}`;
  const readCount = options.readCount ?? 256;
  const maxBacklog = options.maxBacklog ?? 2_000;
  const stopping = new AbortController();
  let draining = false;
  const inFlight = new Map<string, Promise<void>>();
  let groupReady: Promise<void> | undefined;
  // The entries this process handed off lately, by run. When Redis loses the stream, the entries
  // nobody had committed yet (unread, or read by a committer that died) are gone with it, and so is
  // the journal that would let their jobs replay the ending: the calls were made and paid, so their
  // attempts must still be written. These copies are added again; committing one twice doubles
  // nothing (see LedgerHandoff). Entries committed here are dropped at once; those another process
  // committed age out after retainMs — an entry is committed within moments unless Postgres is away,
  // and then no new ending is handed off (accepting() is false).
  const retainMs = options.retainMs ?? 120_000;
  const maxRetained = options.maxRetained ?? 10_000;
  const retained = new Map<string, { fields: string[]; at: number }>();
  const retain = (runId: string, fields: string[]) => {
    retained.delete(runId);
    retained.set(runId, { fields, at: Date.now() });
    for (const [run, copy] of retained) {
      if (retained.size <= maxRetained && Date.now() - copy.at < retainMs) break;
      retained.delete(run);
    }
  };
  const handAgain = async () => {
    for (const [run, copy] of retained) {
      if (Date.now() - copy.at >= retainMs) retained.delete(run);
      else await redis.xadd(key, "*", ...copy.fields);
    }
    logger.warn({ entries: retained.size }, "Redis lost the ledger hand-off stream; this process's recent hand-offs were added again");
  };

  const ensureGroup = () =>
    (groupReady ??= blocking.xgroup("CREATE", key, LEDGER_COMMITTERS_GROUP, "0", "MKSTREAM").then(
      () => undefined,
      (error: Error) => {
        if (!String(error.message).includes("BUSYGROUP")) {
          groupReady = undefined;
          throw error;
        }
      },
    ));

  // Entries committed in the same group commit are acknowledged and deleted together: one round trip.
  let toAck: { id: string; done: () => void; failed: (error: unknown) => void }[] = [];
  const acknowledge = (id: string) =>
    new Promise<void>((done, failed) => {
      if (toAck.length === 0) setImmediate(flushAcks);
      toAck.push({ id, done, failed });
    });
  const flushAcks = () => {
    const batch = toAck;
    toAck = [];
    const ids = batch.map((entry) => entry.id);
    redis
      .multi()
      .xack(key, LEDGER_COMMITTERS_GROUP, ...ids)
      .xdel(key, ...ids)
      .exec()
      .then(
        () => batch.forEach((entry) => entry.done()),
        (error: unknown) => batch.forEach((entry) => entry.failed(error)),
      );
  };

  const commit = (id: string, fields: string[]) => {
    if (inFlight.has(id)) return;
    const value = (name: string) => fields[fields.indexOf(name) + 1];
    let records: AttemptRecord[];
    let outcome: RequestOutcome;
    try {
      records = (JSON.parse(value("attempts") ?? "[]") as string[]).map(decodeAttempt);
      outcome = decodeOutcome(value("outcome") ?? "");
    } catch (error) {
      // Cannot happen for entries this code wrote; kept (not acknowledged) for a person to read.
      logger.error({ entry: id, error: String(error) }, "unreadable ledger hand-off entry; left in the stream");
      return;
    }
    const log = logger.child({ jobId: outcome.requestId, run: value("run") });
    const done = persist(() => ledger.write(records, outcome), {
      what: "request outcome",
      signal: stopping.signal,
      onRetry: (error, attempt, delayMs) =>
        log.warn({ attempt, delayMs, error: String((error as Error)?.message ?? error) }, "write failed; keeping the result and retrying"),
    })
      .then(() => {
        retained.delete(value("run") ?? "");
        return acknowledge(id);
      })
      .catch((error: unknown) => {
        // Left pending: claimed again after claimIdleMs, here or by another worker.
        if (!stopping.signal.aborted) log.warn({ error: String(error) }, "handed-off ending not committed yet; it will be retried");
      })
      .finally(() => inFlight.delete(id));
    inFlight.set(id, done);
  };

  const take = (entries: StreamEntry[] | null | undefined) => {
    for (const entry of entries ?? []) if (entry && entry[1]) commit(entry[0], entry[1]);
  };

  const waitForRoom = async () => {
    while (inFlight.size >= maxBacklog && !stopping.signal.aborted) await Promise.race(inFlight.values());
  };

  const readLoop = async () => {
    let lastClaim = 0;
    while (!stopping.signal.aborted) {
      try {
        await ensureGroup();
        await waitForRoom();
        if (Date.now() - lastClaim >= options.claimIntervalMs) {
          lastClaim = Date.now();
          let cursor = "0-0";
          do {
            const [next, entries] = (await blocking.xautoclaim(
              key,
              LEDGER_COMMITTERS_GROUP,
              consumer,
              options.claimIdleMs,
              cursor,
              "COUNT",
              readCount,
            )) as [string, StreamEntry[]];
            take(entries);
            cursor = next;
          } while (cursor !== "0-0" && !stopping.signal.aborted);
        }
        // Draining (shutdown): no wait; what this process and its last jobs handed off is committed before it exits.
        // (The typed methods: through `call`, ioredis hands back RESP3's map shape instead.)
        const read = (
          draining
            ? await blocking.xreadgroup("GROUP", LEDGER_COMMITTERS_GROUP, consumer, "COUNT", readCount, "STREAMS", key, ">")
            : await blocking.xreadgroup(
                "GROUP",
                LEDGER_COMMITTERS_GROUP,
                consumer,
                "COUNT",
                readCount,
                "BLOCK",
                options.blockMs ?? 1_000,
                "STREAMS",
                key,
                ">",
              )
        ) as [string, StreamEntry[]][] | null;
        const entries = read?.[0]?.[1] ?? [];
        take(entries);
        if (draining && entries.length === 0) {
          await Promise.allSettled([...inFlight.values()]);
          if (inFlight.size === 0) break;
        }
      } catch (error) {
        if (stopping.signal.aborted) break;
        let failure = error;
        if (isStreamLost(error)) {
          groupReady = undefined;
          try {
            await ensureGroup();
            await handAgain();
            continue;
          } catch (again) {
            failure = again;
          }
        }
        logger.warn({ error: String(failure) }, "ledger committer could not read the hand-off stream; retrying");
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  const loop = readLoop();
  let closing: Promise<void> | undefined;

  return {
    handoff: {
      accepting: () => health.accepting() && inFlight.size < maxBacklog,
      async hand(runId, records, outcome) {
        const fields = ["run", runId, "attempts", JSON.stringify(records.map(encodeAttempt)), "outcome", encodeOutcome(outcome)];
        await redis.xadd(key, "*", ...fields);
        retain(runId, fields);
      },
    },
    backlog: () => inFlight.size,
    close: () =>
      (closing ??= (async () => {
        // Commit what is waiting, for a while (Postgres may be away); then what is left stays in the
        // stream for the next committer: unread entries for any, ours after claimIdleMs.
        draining = true;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([loop, new Promise((resolve) => (timer = setTimeout(resolve, options.drainMs ?? 10_000)))]);
        clearTimeout(timer);
        stopping.abort();
        blocking.disconnect();
        await loop;
        await Promise.allSettled([...inFlight.values()]);
      })()),
  };
}
