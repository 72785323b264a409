import type { Redis } from "ioredis";
import { createJobWaits } from "../guards/job-waits.js";
import { readModelAvailability } from "../guards/model-availability.js";
import { createTierBlock } from "../guards/tier-block.js";
import { summarizeWaiting, type BatchWaiting } from "./waiting-summary.js";

/** The tiers in order, each with its models: whose gate state is read. */
export type TierModels = readonly { name: string; models: readonly { provider: string; model: string }[] }[];

/** Deferred entries read per look: enough to count a large batch's busy models, bounded for the dashboard's refresh. */
const WAITS_READ = 10_000;

/**
 * Why the batch's queued jobs wait: its deferred jobs' entries, the gate's state of every configured
 * model, and the tiers' blocked marks, all from Redis (a few round trips, no Postgres).
 */
export async function readBatchWaiting(
  deps: { redis: Redis; prefix: string; tiers: TierModels },
  batchId: string,
  nowMs = Date.now(),
): Promise<BatchWaiting> {
  const models = [
    ...new Map(deps.tiers.flatMap((tier) => tier.models).map((model) => [`${model.provider}\0${model.model}`, model])).values(),
  ];
  const [{ waits, total }, gate, blockedTiers] = await Promise.all([
    createJobWaits(deps).read(batchId, WAITS_READ),
    readModelAvailability(deps.redis, deps.prefix, models, nowMs),
    createTierBlock(deps).read(deps.tiers.map((tier) => tier.name)),
  ]);
  return summarizeWaiting({ waits, totalWaits: total, gate, blockedTiers, nowMs });
}
