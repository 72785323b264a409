import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTAKE_QUEUE, tierQueueName } from "../../src/queue/queue-names.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../helpers/redis.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * The KEDA ScaledObjects (deploy/k8s/components/keda) scale each stage on LLEN of
 * `<QUEUE_PREFIX>:<queue>:wait`. This pins that contract to the BullMQ version installed: the key
 * exists under that name, is a LIST, counts the jobs no worker has taken, and keeps the jobs a tier's
 * global concurrency limit holds back (the backlog the autoscaler must see).
 */
describe("BullMQ's wait list, which the KEDA redis scaler reads", () => {
  const prefix = uniquePrefix();
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await deletePrefix(prefix);
    redis?.disconnect();
  });

  it("is a Redis LIST at <prefix>:<queue>:wait holding every job not yet taken", async () => {
    for (const name of [INTAKE_QUEUE, tierQueueName("cheap")]) {
      const queue = new Queue(name, { connection: redis, prefix });
      try {
        await queue.addBulk([1, 2, 3].map((n) => ({ name, data: { n }, opts: { jobId: `${name}-${n}` } })));
        const key = `${prefix}:${name}:wait`;
        expect(await redis.type(key)).toBe("list");
        expect(await redis.llen(key)).toBe(3);
      } finally {
        await queue.close();
      }
    }
  });

  it("keeps jobs held back by the global concurrency limit in the list", async () => {
    const name = tierQueueName("premium");
    const queue = new Queue(name, { connection: redis, prefix });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Local concurrency 5, global 1: the limit in Redis, not the worker's own, decides.
    const workerConnection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker(name, () => held, { connection: workerConnection, prefix, concurrency: 5 });
    try {
      await queue.setGlobalConcurrency(1);
      await queue.addBulk([1, 2, 3, 4].map((n) => ({ name, data: { n }, opts: { jobId: `held-${n}` } })));
      await waitFor(() => queue.getActiveCount(), (active) => active === 1, { timeoutMs: 10_000, what: "one active job" });
      // A negative can only be watched for a while: give the worker time to (wrongly) take more.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await queue.getActiveCount()).toBe(1);
      expect(await redis.llen(`${prefix}:${name}:wait`)).toBe(3);
    } finally {
      release();
      await worker.close();
      workerConnection.disconnect();
      await queue.close();
    }
  });
});
