import type { JobWaits } from "../guards/job-waits.js";
import type { TierJob } from "../queue/job-payloads.js";
import type { TierJobEnding } from "../tiers/tier-stage.js";

/**
 * Says why a deferred job waits (its busy models, until when) where `batch ID` and the dashboard read
 * it, and forgets it once the job moves on. A note exists only while the job has deferred in this
 * tier (its `deferrals` count; an escalation starts the next tier at 0), so only such a job costs
 * the delete; a job that waited in a lower tier and was escalated does not delete again at every
 * later ending.
 */
export async function noteWait(
  waits: Pick<JobWaits, "record" | "clear">,
  tier: string,
  before: Partial<TierJob>,
  ending: TierJobEnding,
  nowMs = Date.now(),
): Promise<void> {
  if (typeof before.batchId !== "string" || typeof before.requestId !== "string" || before.shadowOf) return;
  if (ending.status === "deferred") {
    await waits.record(before.batchId, {
      requestId: before.requestId,
      tier,
      untilMs: nowMs + ending.delayMs,
      waitedMs: ending.job.waitedMs,
      maxWaitMs: ending.maxWaitMs,
      models: ending.busy.map((busy) => ({ model: busy.model ?? "?", reason: busy.reason, untilMs: nowMs + busy.retryInMs })),
    });
  } else if ((before.deferrals ?? 0) > 0) {
    await waits.clear(before.batchId, before.requestId);
  }
}
