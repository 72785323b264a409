import { randomUUID } from "node:crypto";
import type { TierJob, TierJobInput } from "../queue/job-payloads.js";
import { decideTierEnding } from "../tiers/decide-tier-ending.js";
import type { LaneItem } from "../tiers/batch-lane-hook.js";
import { chooseLane, jobDeadlineAt } from "../tiers/lane-choice.js";
import { nextTier } from "../tiers/next-step.js";
import type { TierSettings } from "../tiers/tier-settings.js";
import type { ItemCall } from "./item-record.js";

/**
 * What happens to a batch item once its result is in: the same ending logic as a real-time run.
 * A valid answer finishes the request; anything else (invalid, error, expired, canceled) moves to
 * the tier's next model — through its batch lane while the deadline leaves room, else in real
 * time — or, with no model left in the tier, escalates (decideTierEnding), the next tier choosing
 * its own lane again. Pure: the ingester carries it out.
 */
export type ItemNext =
  | { kind: "succeeded"; result: string }
  /** Into the lane of the tier's next model (the same tier: `item` is the new lane item). */
  | { kind: "next-lane"; item: LaneItem }
  /** To a tier queue: the same tier in real time (`realtimeOnly`), or the next tier up. */
  | { kind: "forward"; tier: string; job: TierJobInput; why: string }
  | { kind: "failed"; reason: string };

export function decideItemNext(settings: TierSettings, item: LaneItem, call: ItemCall, now: Date): ItemNext {
  if (call.result !== undefined) return { kind: "succeeded", result: call.result };
  const job = carriedJob(item, call);
  const tried = [...new Set([...(item.job.batchTried ?? []), item.model])];
  const next = chooseLane(settings, { ...job, batchTried: tried }, now);
  if (next.kind === "lane") {
    return {
      kind: "next-lane",
      item: {
        tier: item.tier,
        provider: next.model.provider,
        model: next.model.model,
        attemptId: randomUUID(),
        attemptNo: item.attemptNo + 1,
        deadlineAt: next.deadlineAt.toISOString(),
        heldAt: now.toISOString(),
        job: { ...job, batchTried: tried },
      },
    };
  }
  const candidates = job.job.model ? settings.tier.models.filter((model) => model.model === job.job.model) : settings.tier.models;
  const untried = candidates.filter((model) => !tried.includes(model.model));
  if (untried.length > 0) {
    // The deadline is too close for another batch, or the models left do not batch: real time here.
    const deadlineAt = jobDeadlineAt(job, settings.live.config.deadlines);
    return {
      kind: "forward",
      tier: item.tier,
      job: { ...job, batchTried: tried, realtimeOnly: true },
      why: `tier ${item.tier} goes on in real time (${untried.map((model) => model.model).join(", ")}); deadline ${deadlineAt?.toISOString() ?? "none"}`,
    };
  }
  const ending = decideTierEnding({
    tier: item.tier,
    busy: [],
    attempts: [call.record],
    deferrals: 0,
    maxDeferrals: settings.live.config.maxDeferrals,
    higherTier: nextTier(settings.tierNames, item.tier),
    pinnedModel: job.job.model,
    history: job.history,
  });
  if (ending.action === "escalate") {
    return {
      kind: "forward",
      tier: ending.to,
      job: { ...job, escalations: job.escalations + 1, deferrals: 0, batchTried: [], realtimeOnly: false },
      why: ending.reason,
    };
  }
  return { kind: "failed", reason: ending.action === "fail" ? ending.reason : `tier ${item.tier}: no model answered` };
}

/** The job as it goes on: this attempt counted, its cost added, its failure in the history. */
export function carriedJob(item: LaneItem, call: ItemCall): TierJob {
  return {
    ...item.job,
    attemptsSoFar: item.attemptNo,
    costSoFarPico: (BigInt(item.job.costSoFarPico) + call.record.cost).toString(),
    history: [...item.job.history, ...(call.failureReason ? [call.failureReason] : [])].slice(-50),
  };
}
