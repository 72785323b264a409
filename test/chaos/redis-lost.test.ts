import { afterEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../../src/ledger/db/database.js";
import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { runCli } from "../helpers/cli-process.js";
import { pipelineEnv } from "../helpers/chaos-workers.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { ledgerCounts } from "../helpers/ledger-counts.js";
import { startOwnRedis, type OwnRedis } from "../helpers/own-redis.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { waitFor } from "../helpers/wait-for.js";
import { startWorkerProcess, type WorkerProcess } from "../helpers/worker-process.js";

const JOBS = Number(process.env.REDIS_LOST_JOBS ?? 300);
const CHEAP_LIMIT = 4;
const CHEAP_MODELS = ["gpt-5-mini", "claude-haiku-4-5"];

const tickets = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    id: `lost-${index}`,
    kind: "classify" as const,
    tier: "cheap",
    prompt: `Ticket ${index}: I was charged twice this month.`,
    labels: TICKET_LABELS,
  }));

/** Small timeouts keep the feeder's hold after a lost limit (every model × retry × timeout) short. */
const config = (recoverCheckMs: number): RouterConfig =>
  testConfig({
    tiers: testConfig().tiers.map((tier) => ({
      ...tier,
      concurrency: tier.name === "cheap" ? CHEAP_LIMIT : tier.concurrency,
      models: tier.models.map((model) => ({ ...model, timeoutMs: 500 })),
    })),
    queue: { window: 60, feedIntervalMs: 50, recoverAfterMs: 1_500, recoverCheckMs },
  });

/**
 * Redis loses its data in the middle of a batch, with two worker processes running: the jobs it held
 * are found by the recovery check (the `recover` command, or the feeder's own periodic check) and run
 * again; every request ends exactly once, every call the provider saw is an attempts row, and the tier's
 * concurrency limit holds after the loss too.
 */
describe("Redis loses its data mid-batch", () => {
  let pipeline: TestPipeline | undefined;
  let redis: OwnRedis | undefined;
  let workers: WorkerProcess[] = [];
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
    await pipeline?.close();
    await redis?.stop();
    pipeline = undefined;
    redis = undefined;
  });

  async function run(options: { recoverCheckMs: number; lose: (redis: OwnRedis) => Promise<void>; thenRecover?: boolean }) {
    redis = await startOwnRedis();
    const cfg = config(options.recoverCheckMs);
    pipeline = await startTestPipeline({ config: cfg, stages: [], scenario: { seed: 12, models: { "*": { latencyMs: 25 } } } });
    const env = { REDIS_URL: redis.url };
    for (let index = 0; index < 2; index++) {
      workers.push(await startWorkerProcess(pipeline, { stages: "intake,cheap,balanced,premium", config: cfg, env }));
    }
    const db = pipeline.testDb.database.db;
    const { batchId } = await pipeline.producer.enqueueJobs(tickets(JOBS), { batchName: "redis-lost" });
    await waitFor(
      () => ledgerCounts(db, batchId),
      (counts) => counts.finished >= JOBS / 4,
      { what: "a quarter of the batch to finish", timeoutMs: 60_000 },
    );
    const callsBefore = pipeline.fake.stats().totalCalls;
    await options.lose(redis);
    // From here the fake provider's in-flight gauges count only what runs after the loss (and calls still open).
    pipeline.fake.resetStats();

    if (options.thenRecover) {
      // The window Redis held is lost; the rest of the backlog is fed and runs. Wait for that, then recover.
      await waitFor(
        () =>
          queryRows<{ unfed: string; recent: string }>(
            db,
            sql`select count(*) filter (where fed_at is null)::text as unfed,
                       count(*) filter (where fed_at > now() - interval '2 seconds')::text as recent
                from requests where batch_id = ${batchId} and status = 'queued'`,
          ).then((rows) => rows[0]!),
        (row) => row.unfed === "0" && row.recent === "0",
        { what: "only lost jobs left, fed over 2 s ago", timeoutMs: 60_000 },
      );
      const stuck = await ledgerCounts(db, batchId);
      expect(stuck.queued).toBeGreaterThan(0);
      const configPath = await writeConfigFile(cfg);
      const recover = await runCli(["recover", "--older-than", "2s"], pipelineEnv(pipeline, configPath, env));
      expect(recover.stderr).toBe("");
      expect(recover.code).toBe(0);
      expect(recover.stdout).toContain(`${stuck.queued} missing from every queue`);
      // Idempotent: a second run finds nothing more to do (or only jobs the feeder has since re-added and that are in Redis).
      const again = await runCli(["recover", "--older-than", "2s"], pipelineEnv(pipeline, configPath, env));
      expect(again.stdout).toContain("none was missing from Redis");
    }

    await waitFor(
      () => ledgerCounts(db, batchId),
      (counts) => counts.finished === JOBS,
      { what: "every request to end", timeoutMs: 90_000 },
    );
    const counts = await ledgerCounts(db, batchId);
    const stats = pipeline.fake.stats();
    const calls = callsBefore + stats.totalCalls;
    const mostInFlight = CHEAP_MODELS.reduce((sum, model) => sum + (stats.models[model]?.maxInFlight ?? 0), 0);
    console.log(
      `redis lost (${options.thenRecover ? "recover command" : "periodic check"}): ${JOBS} jobs, ended ${counts.finished}, ` +
        `queued ${counts.queued}, calls ${calls}, attempts ${counts.attempts}, most in flight on cheap after the loss ${mostInFlight} (limit ${CHEAP_LIMIT})`,
    );
    expect(counts).toMatchObject({ requests: JOBS, finished: JOBS, queued: 0, duplicated: 0, inconsistent: 0 });
    expect(calls).toBeLessThanOrEqual(counts.attempts);
    expect(mostInFlight).toBeLessThanOrEqual(CHEAP_LIMIT);
  }

  it("FLUSHALL, then `recover`: every request ends once, calls ≤ attempts, the tier limit holds", async () => {
    await run({ recoverCheckMs: 3_600_000, lose: (r) => r.flush(), thenRecover: true });
  });

  it("FLUSHALL and no command: the feeder's periodic check finds the lost jobs", async () => {
    await run({ recoverCheckMs: 500, lose: (r) => r.flush() });
  });

  it("Redis killed and restarted empty: the workers reconnect and the periodic check finds the lost jobs", async () => {
    await run({
      recoverCheckMs: 500,
      lose: async (r) => {
        await r.kill();
        await r.restart();
      },
    });
  });
});
