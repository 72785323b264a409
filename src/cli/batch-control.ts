import { createBatchControl, type BatchControl } from "../batches/index.js";
import type { Runtime } from "../runtime/runtime.js";

/** Batch control over the runtime's database, Redis and queue prefix, for the tiers in the tiers file. */
export async function openBatchControl(runtime: Runtime): Promise<BatchControl> {
  const [database, config] = await Promise.all([runtime.database(), runtime.config()]);
  return createBatchControl(database, {
    connection: runtime.redis(),
    prefix: runtime.env.QUEUE_PREFIX,
    tiers: config.tiers.map((tier) => tier.name),
  });
}
