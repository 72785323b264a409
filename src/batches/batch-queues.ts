import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { INTAKE_QUEUE, tierQueueName } from "../queue/queue-names.js";

/** What batch control needs to reach every stage's queue. */
export interface BatchControlDeps {
  connection: Redis;
  prefix: string;
  /** The tiers in order (the last one also carries shadow checks). */
  tiers: string[];
}

export const shadowJobId = (requestId: string) => `${requestId}~shadow`;

/** Opens the intake and tier queues on the shared connection; `close` leaves the connection open. */
export function openQueues(deps: BatchControlDeps): { intake: Queue; tiers: Queue[]; all: Queue[]; close: () => Promise<void> } {
  const open = (name: string) => new Queue(name, { connection: deps.connection, prefix: deps.prefix }).on("error", () => {});
  const intake = open(INTAKE_QUEUE);
  const tiers = deps.tiers.map((tier) => open(tierQueueName(tier)));
  const all = [intake, ...tiers];
  return { intake, tiers, all, close: async () => void (await Promise.all(all.map((queue) => queue.close()))) };
}
