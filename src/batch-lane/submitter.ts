import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { ModelConfig, ProviderName, TierConfig } from "../config/router-config-schema.js";
import { buildPrompt } from "../jobs/build-prompt.js";
import type { Logger } from "../observability/logger.js";
import type { LiveConfig } from "../providers/live-config.js";
import type { CancelCheck } from "../guards/cancelled-batch.js";
import { decodeTicket, type BudgetGuard } from "../guards/budget-guard.js";
import type { LaneItem } from "../tiers/batch-lane-hook.js";
import type { BatchProviderClient } from "./batch-provider.js";
import { laneOf, type Collector, type LaneId } from "./collector.js";
import { itemRecord } from "./item-record.js";
import { laneLock, type LaneLock } from "./lane-lock.js";
import type { ProviderBatchRow, ProviderBatchStore } from "./provider-batch-store.js";
import type { SendOn } from "./send-on.js";
import { describeCreateError, isPermanentCreateError } from "./create-error.js";
import { restoreLostSubmission } from "./restore-submission.js";

/**
 * Leases, from `lockMs` (the lane's lease, WORKER_LOCK_DURATION_MS): a lane's submitter is lost that
 * long after its pod died; a claim that old without a provider_batches row belongs to a dead
 * submitter (its items go back); a create (upload + create) holds its submission 4× that long, and
 * reconciliation of the `submitting` row waits for it.
 */
const SUBMISSION_LEASES = 4;
/** Failed creates (5xx, network) before the submission is given up and its items go on in real time. */
export const MAX_CREATE_FAILURES = 5;
/** Our item JSON is a little larger than the request line it becomes: claim below the provider's byte limit. */
const BYTES_MARGIN = 0.8;

export interface SubmitterDeps {
  redis: Redis;
  collector: Collector;
  store: ProviderBatchStore;
  providers: ReadonlyMap<ProviderName, BatchProviderClient>;
  sendOn: SendOn;
  cancelled?: CancelCheck;
  /** A cancelled item dropped before submission releases its reservation. */
  budgets?: BudgetGuard;
  logger: Logger;
  now: () => Date;
  live: () => LiveConfig;
  lockMs: number;
}

/**
 * The one submitter of each lane (a tier and model) across all pods, by lock. A submission's items
 * are claimed in Redis, its provider_batches row written (`submitting`) BEFORE the provider is
 * called, then the provider's batch id recorded. Every later step can be found again after a crash:
 * a claim without a row goes back to waiting (no provider saw it); a row without a provider id is
 * looked up at the provider (OpenAI: our id in the batch's metadata; Anthropic: see find), and only
 * created when not found.
 */
export function createSubmitter(deps: SubmitterDeps) {
  const locks = new Map<string, LaneLock>();
  const modelOf = (row: ProviderBatchRow) =>
    deps
      .live()
      .config.tiers.find((tier) => tier.name === row.tier)
      ?.models.find((model) => model.provider === row.provider && model.model === row.model);
  const lockOf = (lane: LaneId) => {
    const key = deps.collector.keys(lane).submitterLock;
    let lock = locks.get(key);
    if (!lock) locks.set(key, (lock = laneLock(deps.redis, key, deps.lockMs)));
    return lock;
  };

  /** One look at a lane: submits what is due when this pod is (or becomes) its submitter. */
  async function tick(tier: TierConfig, model: ModelConfig): Promise<number> {
    const lane: LaneId = { tier: tier.name, provider: model.provider, model: model.model };
    const client = deps.providers.get(model.provider);
    if (!client || !(await lockOf(lane).acquire())) return 0;
    const now = deps.now();
    await giveBackStaleClaims(lane, now);
    const limits = {
      maxItems: Math.min(tier.batchLane.maxItems, client.limits.maxItems),
      maxBytes: Math.floor(client.limits.maxBytes * BYTES_MARGIN),
      maxWaitMs: tier.batchLane.maxWaitMs,
    };
    let submitted = 0;
    for (;;) {
      const submissionId = randomUUID();
      // Taken before the claim and held until the create is done: while it lives, nobody gives the
      // claim back (giveBackStaleClaims) or reconciles the row, however slow this pod is.
      const creation = laneLock(deps.redis, deps.collector.keys(lane).submissionLock(submissionId), SUBMISSION_LEASES * deps.lockMs);
      if (!(await creation.acquire())) return submitted;
      const items = await deps.collector.claim(lane, submissionId, limits, deps.now().getTime());
      if (items.length === 0) {
        await creation.release();
        return submitted;
      }
      const live = await dropCancelled(lane, submissionId, items);
      const cancelAt = Math.min(deps.now().getTime() + tier.batchLane.timeoutMs, ...items.map((item) => Date.parse(item.deadlineAt)));
      // Only what is sent: the row's count is what reconciliation matches a provider batch on.
      await deps.store.insertSubmitting({
        id: submissionId,
        provider: model.provider,
        model: model.model,
        tier: tier.name,
        items: live.length,
        batchItems: countByBatch(live),
        laneItems: live,
        cancelAt: new Date(cancelAt),
        createdAt: deps.now(),
      });
      await deps.collector.claimRecorded(lane, submissionId);
      const row = await deps.store.get(submissionId);
      if (live.length > 0 && row) await ensureSubmitted(row, { reconcile: false, model, lock: creation });
      else if (row) await deps.store.markEnded(row.id, 0);
      await creation.release();
      submitted++;
      // Another full submission may be waiting; the lock is renewed between them.
      if (!(await lockOf(lane).renew())) return submitted;
    }
  }

  /** Items of a cancelled request batch never reach the provider: the cancel check ends them. */
  async function dropCancelled(lane: LaneId, submissionId: string, items: LaneItem[]): Promise<LaneItem[]> {
    const cancelled = deps.cancelled;
    if (!cancelled) return items;
    // One check per request batch (a cancel is per batch); only a cancelled batch's items are ended one by one.
    const byBatch = new Map<string, LaneItem[]>();
    for (const item of items) byBatch.set(item.job.batchId, [...(byBatch.get(item.job.batchId) ?? []), item]);
    const kept: LaneItem[] = [];
    for (const group of byBatch.values()) {
      if (!(await cancelled(group[0]!.job, group[0]!.job.requestId))) {
        kept.push(...group);
        continue;
      }
      for (const item of group) {
        await cancelled(item.job, item.job.requestId);
        if ((await deps.collector.done(lane, submissionId, item)) && item.budget)
          await deps.budgets?.settle(decodeTicket(item.budget), 0n).catch(() => {});
      }
    }
    return kept;
  }

  async function giveBackStaleClaims(lane: LaneId, now: Date): Promise<void> {
    for (const submissionId of await deps.collector.staleClaims(lane, now.getTime() - deps.lockMs)) {
      if (await deps.store.get(submissionId)) {
        await deps.collector.claimRecorded(lane, submissionId);
        continue;
      }
      // Its submitter is alive while it holds the submission's creation lease.
      if (await deps.redis.exists(deps.collector.keys(lane).submissionLock(submissionId))) continue;
      const back = await deps.collector.unclaim(lane, submissionId, now.getTime());
      deps.logger.warn(
        { submission: submissionId, items: back, ...lane },
        "batch lane: a submitter died after claiming items; they wait again",
      );
    }
  }

  /**
   * Gets a `submitting` row to the provider exactly once, as far as its API allows. `reconcile`:
   * an earlier create may have reached the provider (its answer lost): look it up first.
   */
  async function ensureSubmitted(
    row: ProviderBatchRow,
    options: { reconcile: boolean; model?: ModelConfig; lock?: LaneLock },
  ): Promise<void> {
    const client = deps.providers.get(row.provider);
    if (!client) return;
    const lane = laneOf(row);
    const lock = options.lock ?? laneLock(deps.redis, deps.collector.keys(lane).submissionLock(row.id), SUBMISSION_LEASES * deps.lockMs);
    if (!(await lock.acquire())) return;
    const log = deps.logger.child({ submission: row.id, provider: row.provider, model: row.model, tier: row.tier });
    try {
      // Reconciling after a crash or outage: Redis may have lost the items meanwhile; Postgres has them.
      if (options.reconcile) await restoreLostSubmission({ collector: deps.collector, store: deps.store, logger: log }, row);
      const items = await deps.collector.pendingItems(lane, row.id);
      if (items.size === 0) {
        // Nothing left to send (every item was cancelled, or already went on): never an empty batch.
        await deps.store.markEnded(row.id, 0);
        log.warn("batch lane: a submission with no items left to send; closed without a provider batch");
        return;
      }
      if (options.reconcile) {
        const found = await client.find({
          submissionId: row.id,
          createdAt: row.createdAt,
          items: row.items,
          customIds: new Set(items.keys()),
          known: await deps.store.knownProviderBatchIds(row.provider, row.createdAt),
        });
        // Duplicates first: once the row is submitted nobody reconciles it again.
        for (const duplicate of found.duplicates) await cancelDuplicate(row, duplicate, log);
        if (found.adopt) {
          await deps.store.markSubmitted(row.id, found.adopt, deps.now());
          log.warn({ providerBatch: found.adopt }, "batch lane: found the provider batch of an interrupted submission; adopted it");
          return;
        }
      }
      const model = options.model ?? modelOf(row);
      if (!model) throw new Error(`model ${row.model} is no longer in tier ${row.tier} of the config`);
      const lines = [...items.values()].map((item) => ({
        customId: item.attemptId,
        requestId: item.job.requestId,
        prompt: buildPrompt(item.job.job),
        maxOutputTokens: item.job.job.maxOutputTokens ?? model.maxOutputTokens,
      }));
      const providerBatchId = await client.create(row.id, model, lines);
      await deps.store.markSubmitted(row.id, providerBatchId, deps.now());
      log.info({ providerBatch: providerBatchId, items: lines.length }, "batch lane: provider batch submitted");
    } catch (error) {
      const failures = await deps.store.recordCreateFailure(row.id, describeCreateError(error));
      const permanent = isPermanentCreateError(error);
      log.error(
        { error: describeCreateError(error), failures, of: MAX_CREATE_FAILURES, permanent },
        permanent || failures >= MAX_CREATE_FAILURES
          ? "batch lane: provider batch create failed for good; its items go on in real time"
          : "batch lane: provider batch create failed; the poller retries it (looking it up first)",
      );
      if (permanent || failures >= MAX_CREATE_FAILURES) await giveUp(row, describeCreateError(error));
    } finally {
      if (!options.lock) await lock.release();
    }
  }

  /**
   * A second provider batch of one submission (an earlier create whose answer was lost): recorded as
   * a row of its own (`duplicate_of`), cancelled at once; the poller ingests it when it ends, each
   * item the provider billed an attempt row flagged `duplicate_submission` (ingester.ts), no ending.
   */
  async function cancelDuplicate(row: ProviderBatchRow, providerBatchId: string, log: Logger): Promise<void> {
    const client = deps.providers.get(row.provider)!;
    await deps.store.insertDuplicate(row, randomUUID(), providerBatchId, deps.now());
    try {
      await client.cancel(providerBatchId);
      await deps.store.markCancelRequestedByProviderId(row.provider, providerBatchId);
      log.warn(
        { duplicate: providerBatchId },
        "batch lane: a duplicate provider batch of this submission: cancelled; what the provider billed for it is recorded as duplicate_submission",
      );
    } catch (error) {
      // Its cancel time is now: the poller cancels it on its next look (or it has ended meanwhile).
      log.warn(
        { duplicate: providerBatchId, error: describeCreateError(error) },
        "batch lane: cancel of a duplicate provider batch refused",
      );
    }
  }

  /** The provider refused the submission: each item goes on as a failed call of this model (next model, real time, escalation). */
  async function giveUp(row: ProviderBatchRow, error: string): Promise<void> {
    const lane = laneOf(row);
    const now = deps.now();
    for (const item of (await deps.collector.pendingItems(lane, row.id)).values()) {
      const call = itemRecord(
        item,
        { customId: item.attemptId, kind: "error", errorType: "batch_create_failed", message: error },
        {
          submissionId: row.id,
          submittedAt: row.createdAt,
          resultAt: now,
          // An error item costs nothing: its rates are never read.
          rates: deps.live().priceBook.ratesFor(row.provider, row.model),
          share: 1,
        },
      );
      await deps.sendOn(row.id, item, call);
    }
    await deps.store.markFailed(row.id, error);
    await deps.collector.forget(lane, row.id);
  }

  /** Lets another pod become the lanes' submitter at once (shutdown). */
  async function release(): Promise<void> {
    await Promise.all([...locks.values()].map((lock) => lock.release().catch(() => {})));
  }

  return { tick, ensureSubmitted, release };
}
export type Submitter = ReturnType<typeof createSubmitter>;

function countByBatch(items: readonly LaneItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.job.batchId] = (counts[item.job.batchId] ?? 0) + 1;
  return counts;
}
