import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { BENCH_REDIS_URL, benchPrefix, deleteRedisPrefix } from "./bench-env.js";

/** The anchor: a no-op job through one BullMQ queue, bulk-added, as fast as one worker process takes them. */
export async function rawBullmqThroughput(
  jobs: number,
  concurrency = 100,
): Promise<{ jobs: number; seconds: number; jobsPerSecond: number }> {
  const prefix = benchPrefix("raw");
  const connection = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue("noop", { connection, prefix });
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker("noop", async () => {}, { connection, prefix, concurrency, autorun: false });
  worker.on("completed", () => {
    if (++done === jobs) finish();
  });
  const started = performance.now();
  for (let start = 0; start < jobs; start += 1_000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1_000, jobs - start) }, (_, index) => ({
        name: "noop",
        data: { n: start + index },
        opts: { removeOnComplete: true },
      })),
    );
    if (start === 0) void worker.run();
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.close();
  connection.disconnect();
  await deleteRedisPrefix(prefix);
  return { jobs, seconds, jobsPerSecond: jobs / seconds };
}
