import type { ProviderName } from "../config/router-config-schema.js";
import type { EncodedBudgetTicket } from "../guards/budget-guard.js";
import type { TierJob } from "../queue/job-payloads.js";

/**
 * What the tier stage needs of the batch lane (src/batch-lane/, which sits after tiers in the flow
 * and is wired in by runtime/): the tier hands a job with a deadline over and is done with it.
 */
export interface BatchLaneHook {
  /**
   * Puts the item in the waiting set of its tier and model; resolves once that is durable in Redis.
   * Idempotent per request and lane (a re-run of the same BullMQ job holds nothing twice).
   * False: it was held already (the caller releases what it reserved for this one).
   */
  hold(item: LaneItem): Promise<boolean>;
}

/** One job waiting in, or submitted by, a batch lane. Its attempt id is the provider's `custom_id`. */
export interface LaneItem {
  tier: string;
  provider: ProviderName;
  model: string;
  attemptId: string;
  attemptNo: number;
  /** ISO: the job's deadline; the submission is cancelled by then at the latest. */
  deadlineAt: string;
  /** ISO: when the tier handed it over. */
  heldAt: string;
  job: TierJob;
  /**
   * The budget reservation held for this item (its worst case at the batch rate, made when the
   * tier handed it over), settled to the exact cost when its result goes on. Absent: no budget.
   */
  budget?: EncodedBudgetTicket;
}
