import { randomUUID } from "node:crypto";
import type { BatchLaneHook } from "./batch-lane-hook.js";
import { chooseLane } from "./lane-choice.js";
import type { TierRun } from "./tier-run.js";
import type { TierJobEnding } from "./tier-stage.js";

/**
 * A job with a deadline (and room left before it) goes to the tier's batch lane instead of a real-time
 * call. Its BullMQ job then completes: the lane's Redis state owns the request (see docs/batch-lane.md
 * for why, rather than keeping the job active with its lock renewed for hours). Undefined: real time.
 */
export async function offerToBatchLane(run: TierRun, lane: BatchLaneHook): Promise<TierJobEnding | undefined> {
  const now = run.deps.now();
  const choice = chooseLane(run.settings, run.data, now);
  if (choice.kind === "realtime") {
    if (choice.reason) run.log.debug({ why: choice.reason }, "batch lane not used: real time");
    return undefined;
  }
  await lane.hold({
    tier: run.tierName,
    provider: choice.model.provider,
    model: choice.model.model,
    attemptId: randomUUID(),
    attemptNo: run.data.attemptsSoFar + 1,
    deadlineAt: choice.deadlineAt.toISOString(),
    heldAt: now.toISOString(),
    job: run.data,
  });
  return { status: "laned", model: choice.model.model };
}
