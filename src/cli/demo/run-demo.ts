import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { createRuntime } from "../../runtime/runtime.js";
import { startWorker } from "../../runtime/start-worker.js";
import type { Env } from "../../config/env.js";
import { loadScenarioFile, startFakeLlm } from "../../fake-llm/index.js";
import { readJobFile } from "../../jobs/read-job-file.js";
import { createProducer } from "../../produce/producer.js";
import { INTAKE_QUEUE, tierQueueName } from "../../queue/queue-names.js";
import { createRedisConnection } from "../../queue/redis-connection.js";
import { batchStatus } from "../../report/query/batch-status.js";
import { formatReport } from "../../report/render/format-report.js";
import { buildReport } from "../../report/query/report-query.js";
import { createProgress } from "../progress.js";
import { describeBatch } from "../../report/render/describe-batch.js";
import { ensureRedis } from "./ensure-redis.js";

export const EXAMPLE_JOBS = fileURLToPath(new URL("../../../examples/jobs.jsonl", import.meta.url));
export const EXAMPLE_SCENARIO = fileURLToPath(new URL("../../../examples/demo-scenario.json", import.meta.url));

export interface DemoOptions {
  jobsFile?: string;
  scenarioFile?: string;
  /** Call the real providers with the API keys in the environment instead of the fake one. */
  live?: boolean;
  out?: NodeJS.WritableStream;
}

/**
 * The whole pipeline in one process: fake provider, Redis (found or started), embedded PGlite
 * unless DATABASE_URL is set, every stage, the example jobs; then the report.
 */
export async function runDemo(env: Env, options: DemoOptions = {}): Promise<void> {
  const out = options.out ?? process.stdout;
  const redis = await ensureRedis(env.REDIS_URL);
  // A prefix of its own, so the demo never mixes with a deployment sharing this Redis.
  const prefix = `llm-router-demo-${Date.now().toString(36)}`;
  // It runs the workers in-process: like `worker`, it waits out a Redis restart.
  const runtime = createRuntime(
    { ...env, REDIS_URL: redis.url, QUEUE_PREFIX: prefix },
    { defaultLogLevel: "warn", redisWaitMs: "forever" },
  );
  const fake = options.live
    ? undefined
    : await startFakeLlm({ port: 0, scenario: await loadScenarioFile(options.scenarioFile ?? EXAMPLE_SCENARIO) });
  try {
    const say = (line: string) => process.stderr.write(`${line}\n`);
    say(`demo: Redis ${redis.spawned ? "started at" : "at"} ${redis.url}; provider ${fake ? `fake at ${fake.url}` : "live (API keys)"}`);
    const database = await runtime.database();
    await database.migrate();
    say(`demo: ledger in ${database.describe}`);
    await startWorker(runtime, { fakeProviderUrl: fake?.url });

    const producer = createProducer({ db: database.db, config: await runtime.config() });
    runtime.shutdown.register("producer", () => producer.close());
    const file = options.jobsFile ?? EXAMPLE_JOBS;
    // Every run runs its jobs: the example ids get this run's tag, so an earlier run's rows (same
    // ledger) never make them duplicates. allowRepeat for a --jobs file of id-less jobs.
    const runTag = prefix.slice("llm-router-".length);
    const candidates = (await readJobFile(file)).map((candidate) => ({ ...candidate, job: withRunTag(candidate.job, runTag) }));
    const enqueued = await producer.enqueue(candidates, { batchName: `demo ${runTag}`, allowRepeat: true });
    say(`demo: batch ${enqueued.batchId}: queued ${enqueued.accepted}, rejected ${enqueued.rejected.length} (ids tagged @${runTag})`);
    for (const rejection of enqueued.rejected) say(`  ${file}:${rejection.line}: ${rejection.reason}`);

    const progress = createProgress("demo");
    let status = await batchStatus(database.db, enqueued.batchId);
    let lastProgressAt = Date.now();
    let lastFinished = 0;
    while (!status.done) {
      progress.update(status.succeeded + status.failed, status.jobs, `escalated ${status.escalated}, failed ${status.failed}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = await batchStatus(database.db, enqueued.batchId);
      const finished = status.succeeded + status.failed;
      if (finished !== lastFinished) [lastFinished, lastProgressAt] = [finished, Date.now()];
      // Nothing moving and nothing left in any queue means jobs went missing: say so instead of hanging.
      if (Date.now() - lastProgressAt > STALL_CHECK_MS && (await queuedJobCount(runtime.redis(), prefix, await runtime.config())) === 0) {
        throw new Error(`the demo stalled: ${status.queued} requests are unfinished but no queue holds a job for them`);
      }
    }
    progress.update(status.succeeded + status.failed, status.jobs, `escalated ${status.escalated}, failed ${status.failed}`);
    progress.stop();

    const report = await buildReport(database.db, ["tier", "model"], { batchId: enqueued.batchId });
    out.write(`\n${describeBatch(status)}\n\n${formatReport(report, "table")}\n`);
    const where = database.kind === "pglite" ? `PGLITE_DIR=${env.PGLITE_DIR} ` : "";
    out.write(`\nData: ${database.describe} (batch ${enqueued.batchId})\n`);
    out.write(`Next: ${where}llm-router report --by feature --batch ${enqueued.batchId}   (add --format csv|json)\n`);
  } finally {
    await runtime.close();
    await obliterateDemoQueues(redis.url, prefix, await runtime.config()).catch(() => {});
    await fake?.close();
    await redis.stop();
  }
}

const STALL_CHECK_MS = 30_000;

/** `ticket-0001` → `ticket-0001@demo-x1y2`: this run's own ids. Lines without an id get fresh ones anyway. */
function withRunTag(job: unknown, runTag: string): unknown {
  if (job === null || typeof job !== "object" || typeof (job as { id?: unknown }).id !== "string") return job;
  return { ...job, id: `${(job as { id: string }).id}@${runTag}` };
}

/** Runs `use` on each of the pipeline's queues (intake and every tier), closing each after. */
async function forEachQueue(
  connection: Redis,
  prefix: string,
  config: { tiers: { name: string }[] },
  use: (queue: Queue) => Promise<void>,
): Promise<void> {
  for (const name of [INTAKE_QUEUE, ...config.tiers.map((tier) => tierQueueName(tier.name))]) {
    const queue = new Queue(name, { connection, prefix });
    try {
      await use(queue);
    } finally {
      await queue.close();
    }
  }
}

async function queuedJobCount(connection: Redis, prefix: string, config: { tiers: { name: string }[] }): Promise<number> {
  let total = 0;
  await forEachQueue(connection, prefix, config, async (queue) => {
    const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children");
    total += Object.values(counts).reduce((sum, count) => sum + count, 0);
  });
  return total;
}

/** The demo's jobs are finished and in Postgres; leave nothing behind in a shared Redis. */
async function obliterateDemoQueues(url: string, prefix: string, config: { tiers: { name: string }[] }): Promise<void> {
  const connection = createRedisConnection(url);
  try {
    await forEachQueue(connection, prefix, config, (queue) => queue.obliterate({ force: true }));
  } finally {
    connection.disconnect();
  }
}
