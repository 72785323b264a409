import { randomUUID } from "node:crypto";
import { encodeTicket, type BudgetTicket } from "../guards/budget-guard.js";
import { BudgetPausedError } from "../guards/call-budget.js";
import { buildPrompt } from "../jobs/build-prompt.js";
import { laneWorstCase } from "./lane-worst-case.js";
import type { BatchLaneHook } from "./batch-lane-hook.js";
import { chooseLane } from "./lane-choice.js";
import type { TierRun } from "./tier-run.js";
import type { TierJobEnding } from "./tier-stage.js";

/**
 * A job with a deadline (and room left before it) goes to the tier's batch lane instead of a real-time
 * call. Its BullMQ job then completes: the lane's Redis state owns the request (see docs/batch-lane.md
 * for why, rather than keeping the job active with its lock renewed for hours). Undefined: real time.
 */
export async function offerToBatchLane(
  run: TierRun,
  lane: BatchLaneHook,
): Promise<TierJobEnding | { paused: { budget: string; retryInMs: number } } | undefined> {
  const now = run.deps.now();
  const prompt = buildPrompt(run.data.job);
  const choice = chooseLane(run.settings, run.data, now, prompt);
  if (choice.kind === "realtime") {
    if (choice.reason) run.log.debug({ why: choice.reason }, "batch lane not used: real time");
    return undefined;
  }
  if (await run.cancelled) return { status: "cancelled" };
  // As a real-time call reserves before it is made: the item's worst case, at the batch rate it is
  // billed at, held until its result is ingested (send-on.ts settles it). No room: the job waits here.
  let ticket: BudgetTicket | undefined;
  if (run.budget) {
    try {
      ticket = await run.budget.reserve(laneWorstCase(run.settings, choice.model, run.data, prompt));
    } catch (error) {
      if (error instanceof BudgetPausedError) return { paused: { budget: error.scope, retryInMs: error.retryInMs } };
      throw error;
    }
  }
  const held = await lane.hold({
    tier: run.tierName,
    provider: choice.model.provider,
    model: choice.model.model,
    attemptId: randomUUID(),
    attemptNo: run.data.attemptsSoFar + 1,
    deadlineAt: choice.deadlineAt.toISOString(),
    heldAt: now.toISOString(),
    job: run.data,
    ...(ticket ? { budget: encodeTicket(ticket) } : {}),
  });
  // A re-run of a job already held: its first run's reservation is the one in force.
  if (!held && ticket) await run.budget!.settle(ticket, 0n);
  return { status: "laned", model: choice.model.model };
}
