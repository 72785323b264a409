import type { LedgerWriter } from "../ledger/ledger-writer.js";
import { persist } from "../ledger/persist.js";
import type { RequestOutcome } from "../ledger/records.js";
import type { Logger } from "../observability/logger.js";
import { costOf } from "../pricing/model-rates.js";
import type { TierJobInput } from "../queue/job-payloads.js";
import type { CancelCheck } from "../guards/cancelled-batch.js";
import { decodeTicket, encodeTicket, type BudgetGuard } from "../guards/budget-guard.js";
import { laneWorstCase } from "../tiers/lane-worst-case.js";
import type { LaneItem } from "../tiers/batch-lane-hook.js";
import { tierSettings } from "../tiers/tier-settings.js";
import type { LiveConfig } from "../providers/live-config.js";
import { laneOf, type Collector } from "./collector.js";
import { decideItemNext } from "./decide-item-next.js";
import type { ItemCall } from "./item-record.js";

export interface SendOnDeps {
  live: () => LiveConfig;
  ledger: LedgerWriter;
  collector: Collector;
  /** Adds a job to a tier's queue (the stage runner's forward: idempotent on the job id). */
  forward: (tier: string, job: TierJobInput) => Promise<void>;
  cancelled?: CancelCheck;
  /** The budgets: each item's reservation settles to its exact cost, once, when the item is marked done. */
  budgets?: BudgetGuard;
  logger: Logger;
  signal?: AbortSignal;
  now: () => Date;
}

/**
 * Carries out one item's ending: its attempt row first (idempotent on the attempt id), then the
 * request finished, or the item handed on (next model's lane, a tier queue), then the item marked
 * done — in that order, so a crash anywhere repeats only idempotent steps: the row conflicts, the
 * request is finished only while queued, the queue add is de-duplicated on the job id, and the
 * hand-off to the next lane is one script with the done mark (never twice).
 */
export function createSendOn(deps: SendOnDeps) {
  const durably = (what: string, write: () => Promise<void>) =>
    persist(write, {
      what,
      signal: deps.signal,
      onRetry: (error, attempt, delayMs) =>
        deps.logger.warn({ what, attempt, delayMs, error: String(error) }, "batch lane: write failed; retrying"),
    });

  return async function sendOn(submissionId: string, item: LaneItem, call: ItemCall): Promise<void> {
    const lane = laneOf(item);
    const now = deps.now();
    const log = deps.logger.child({ jobId: item.job.requestId, tier: item.tier, model: item.model, submission: submissionId });
    // Settled only by the step that marked the item done (true once): a re-ingest never settles twice;
    // a crash between the mark and the settle leaves the reservation held, never released twice.
    const settle = async (marked: boolean, ticket = item.budget, cost = call.record.cost) => {
      if (!marked || !ticket || !deps.budgets) return;
      await deps.budgets
        .settle(decodeTicket(ticket), cost)
        .catch((error: unknown) => log.warn({ error: String(error) }, "could not settle a budget reservation; it stays held"));
    };
    const done = async () => settle(await deps.collector.done(lane, submissionId, item));
    if (await deps.cancelled?.(item.job, item.job.requestId)) {
      // Billed or not, the call is on record; the request was ended as cancelled by the check.
      await durably("batch attempt", () => deps.ledger.write([call.record]));
      await done();
      return;
    }
    const settings = tierSettings(deps.live(), item.tier);
    const next = decideItemNext(settings, item, call, now);
    const cost = BigInt(item.job.costSoFarPico) + call.record.cost;
    const outcome = (fields: Pick<RequestOutcome, "status" | "result" | "error">): RequestOutcome => ({
      ...fields,
      requestId: item.job.requestId,
      initialTier: item.job.route.initialTier,
      finalTier: item.tier,
      ...(fields.status === "succeeded" ? { finalProvider: item.provider, finalModel: item.model } : {}),
      classifier: item.job.route.classifier,
      routingReason: item.job.route.reason,
      complexityScore: item.job.route.score,
      escalations: item.job.escalations,
      attemptCount: item.attemptNo,
      cost,
      // What the same tokens would cost on the top tier in real time: the saving includes the batch discount.
      baselineCost: costOf(call.record.usage, settings.baselineRates),
      finishedAt: now,
    });
    switch (next.kind) {
      case "succeeded":
        await durably("batch result", () => deps.ledger.write([call.record], outcome({ status: "succeeded", result: next.result })));
        await done();
        return;
      case "failed":
        log.warn({ error: next.reason }, "request failed");
        await durably("batch result", () => deps.ledger.write([call.record], outcome({ status: "failed", error: next.reason })));
        await done();
        return;
      case "next-lane": {
        await durably("batch attempt", () => deps.ledger.write([call.record]));
        // The next model's item holds its own worst case; with no room it goes on in real time in
        // this tier, where it waits on the budget like any call.
        let nextItem = next.item;
        if (deps.budgets) {
          const model = settings.tier.models.find(
            (candidate) => candidate.model === nextItem.model && candidate.provider === nextItem.provider,
          )!;
          const worst = laneWorstCase(settings, model, nextItem.job);
          const reserved = await deps.budgets.reserve(
            deps.budgets.scopesFor({ batchId: item.job.batchId, feature: item.job.job.feature }),
            worst,
          );
          if (!reserved.ok) {
            await deps.forward(item.tier, { ...nextItem.job, realtimeOnly: true });
            await done();
            log.debug({ budget: reserved.scope.label }, "no budget room for the next model's batch item: real time in this tier");
            return;
          }
          nextItem = { ...nextItem, budget: encodeTicket(reserved.ticket) };
        }
        const marked = await deps.collector.done(lane, submissionId, item, nextItem, now.getTime());
        await settle(marked);
        // Done already (a re-ingest): the next item was handed on then, with its own reservation.
        if (!marked) await settle(true, nextItem.budget, 0n);
        log.debug({ next: nextItem.model }, "batch item goes to the next model's lane");
        return;
      }
      case "forward":
        await durably("batch attempt", () => deps.ledger.write([call.record]));
        await deps.forward(next.tier, next.job);
        await done();
        log.debug({ to: next.tier, why: next.why }, "batch item handed on");
        return;
    }
  };
}
export type SendOn = ReturnType<typeof createSendOn>;
