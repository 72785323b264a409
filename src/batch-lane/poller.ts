import type { Redis } from "ioredis";
import type { ProviderName } from "../config/router-config-schema.js";
import type { Logger } from "../observability/logger.js";
import type { LiveConfig } from "../providers/live-config.js";
import { lanePollerLockKey } from "../queue/redis-keys.js";
import { DEFAULT_BATCH_LANE } from "../config/router-config-schema.js";
import type { BatchProviderClient } from "./batch-provider.js";
import type { Ingester } from "./ingester.js";
import { laneLock, type LaneLock } from "./lane-lock.js";
import type { ProviderBatchRow, ProviderBatchStore } from "./provider-batch-store.js";
import type { Submitter } from "./submitter.js";
import { describeCreateError } from "./create-error.js";

/** A `submitting` row is left to its own submitter this long before reconciliation looks at it. */
const SUBMIT_GRACE_MS = 5_000;

export interface PollerDeps {
  redis: Redis;
  prefix: string;
  store: ProviderBatchStore;
  client: BatchProviderClient;
  submitter: Submitter;
  ingest: Ingester;
  live: () => LiveConfig;
  logger: Logger;
  now: () => Date;
  /** The poller's lease: another pod's poller takes over this long after this one died. */
  lockMs: number;
}

/** Per submission: when to look next, and how long the wait is now (doubling while it runs). */
interface PollState {
  dueMs: number;
  intervalMs: number;
  truncatedReads: number;
  createRetryDueMs: number;
}

/**
 * The one poller of a provider across pods (by lock). Each tick goes over the provider's open
 * submissions: a `submitting` one is reconciled (found at the provider, or created: submitter.ts),
 * a running one is polled with back-off and cancelled by us past its deadline or our timeout, an
 * ended one is ingested. Its state is only the back-off: a poller on another pod starts afresh.
 */
export function createPoller(deps: PollerDeps) {
  const provider: ProviderName = deps.client.provider;
  const lock: LaneLock = laneLock(deps.redis, lanePollerLockKey(deps.prefix, provider), deps.lockMs);
  const states = new Map<string, PollState>();
  const laneOf = (row: ProviderBatchRow) =>
    deps.live().config.tiers.find((tier) => tier.name === row.tier)?.batchLane ?? DEFAULT_BATCH_LANE;
  const stateOf = (row: ProviderBatchRow, nowMs: number): PollState => {
    let state = states.get(row.id);
    if (!state)
      states.set(row.id, (state = { dueMs: nowMs, intervalMs: laneOf(row).pollMinMs, truncatedReads: 0, createRetryDueMs: nowMs }));
    return state;
  };

  async function tick(): Promise<void> {
    if (!(await lock.acquire())) return;
    const rows = await deps.store.open(provider);
    const open = new Set(rows.map((row) => row.id));
    for (const id of states.keys()) if (!open.has(id)) states.delete(id);
    for (const row of rows) {
      if (!(await lock.renew())) return;
      try {
        await step(row);
      } catch (error) {
        deps.logger.warn(
          { submission: row.id, providerBatch: row.providerBatchId, error: String(error) },
          "batch poller: step failed; retried next tick",
        );
      }
    }
  }

  async function step(row: ProviderBatchRow): Promise<void> {
    const nowMs = deps.now().getTime();
    const state = stateOf(row, nowMs);
    const log = deps.logger.child({ submission: row.id, providerBatch: row.providerBatchId, provider, model: row.model, tier: row.tier });
    if (row.state === "submitting") {
      if (nowMs - row.createdAt.getTime() < SUBMIT_GRACE_MS || nowMs < state.createRetryDueMs) return;
      // Back-off between create retries: 1 s, 2 s, 4 s … up to pollMaxMs.
      state.createRetryDueMs = nowMs + Math.min(laneOf(row).pollMaxMs, 1_000 * 2 ** row.createFailures);
      await deps.submitter.ensureSubmitted(row, { reconcile: true });
      return;
    }
    if (row.state === "ingesting") {
      await ingest(row, undefined, state);
      return;
    }
    if (nowMs < state.dueMs) return;
    const status = await deps.client.status(row.providerBatchId!);
    if (status.ended) {
      await deps.store.markIngesting(row.id, status.endedAt);
      await ingest(row, status.endedAt, state);
      return;
    }
    state.intervalMs = Math.min(laneOf(row).pollMaxMs, state.intervalMs * 2);
    state.dueMs = nowMs + state.intervalMs;
    if (nowMs >= row.cancelAt.getTime() && !row.cancelRequestedAt) {
      log.warn(
        { cancelAt: row.cancelAt.toISOString(), status: status.status },
        "provider batch did not end by its deadline or the lane's timeout: cancelling it (its partial results will be ingested)",
      );
      await cancel(row);
    }
  }

  async function ingest(row: ProviderBatchRow, endedAt: Date | undefined, state: PollState): Promise<void> {
    const report = await deps.ingest({ ...row, state: "ingesting" }, deps.client, endedAt, state.truncatedReads);
    if (!report.complete) {
      state.truncatedReads++;
      await deps.store.noteError(row.id, `results truncated (read ${state.truncatedReads})`);
    }
  }

  async function cancel(row: ProviderBatchRow): Promise<void> {
    try {
      await deps.client.cancel(row.providerBatchId!);
    } catch (error) {
      deps.logger.warn(
        { submission: row.id, error: describeCreateError(error) },
        "batch poller: cancel refused (it may have ended meanwhile)",
      );
    }
    await deps.store.markCancelRequested(row.id);
  }

  return {
    tick,
    /** Releases the poller lock so another pod takes over at once. */
    release: () => lock.release(),
  };
}
export type Poller = ReturnType<typeof createPoller>;
