import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tierQueueName } from "../../src/queue/queue-names.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { ledgerCounts } from "../helpers/ledger-counts.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { TEST_REDIS_URL } from "../helpers/redis.js";
import { waitFor } from "../helpers/wait-for.js";
import { startWorkerProcess, type WorkerProcess } from "../helpers/worker-process.js";

const JOBS = 6;

const readyz = async (port: number) => {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return {
    status: response.status,
    body: (await response.json()) as { checks: Record<string, boolean>; reasons?: Record<string, string> },
  };
};
const permanentFailures = async (port: number) => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  return Number(/^llm_router_ledger_write_failures_total\{kind="permanent"\} (\d+)/m.exec(text)?.[1] ?? 0);
};

/**
 * Postgres answers but refuses the ledger's rows for good (INSERT on attempts revoked from the
 * worker's role). Before: persist retried forever, each job held its tier slot and /readyz said
 * ready. Now: the jobs fail with the cause, a counter rises, /readyz says the ledger is failing —
 * and once the grant is back, retrying the failed jobs writes them from the journal, with no new
 * provider call.
 */
describe("a ledger write that Postgres refuses for good", () => {
  const role = `llm_router_writer_${randomBytes(4).toString("hex")}`;
  let pipeline: TestPipeline;
  let worker: WorkerProcess;
  let admin: pg.Client;

  beforeAll(async () => {
    pipeline = await startTestPipeline({
      config: testConfig(),
      stages: ["intake"],
      scenario: { seed: 3, models: { "*": { latencyMs: 5 } } },
    });
    admin = new pg.Client({ connectionString: pipeline.testDb.url });
    await admin.connect();
    await admin.query(`create role ${role} login`);
    for (const schema of ["public", "drizzle"]) {
      await admin.query(`grant usage on schema ${schema} to ${role}`);
      await admin.query(`grant all on all tables in schema ${schema} to ${role}`);
      await admin.query(`grant all on all sequences in schema ${schema} to ${role}`);
    }
    await admin.query(`revoke insert on attempts from ${role}`);
    const asRole = Object.assign(new URL(pipeline.testDb.url), { username: role }).toString();
    worker = await startWorkerProcess(pipeline, { stages: "cheap", env: { DATABASE_URL: asRole } });
  });
  afterAll(async () => {
    await worker?.stop();
    await admin?.end();
    await pipeline?.close();
    const server = new pg.Client({ connectionString: Object.assign(new URL(pipeline.testDb.url), { pathname: "/postgres" }).toString() });
    await server.connect();
    await server.query(`drop role if exists ${role}`);
    await server.end();
  });

  it("fails the jobs with the cause, counts it, reports the ledger failing; a retry after the fix calls no provider", async () => {
    expect((await readyz(worker.healthPort)).status).toBe(200);
    const jobs = Array.from({ length: JOBS }, (_, index) => ({
      id: `denied-${index}`,
      kind: "classify" as const,
      tier: "cheap",
      prompt: `Ticket ${index}: I was charged twice this month.`,
      labels: TICKET_LABELS,
    }));
    const { batchId } = await pipeline.producer.enqueueJobs(jobs, { batchName: "denied" });
    const cheap = new Queue(tierQueueName("cheap"), { connection: { url: TEST_REDIS_URL }, prefix: pipeline.prefix });
    try {
      // More jobs than the tier's 4 slots: they all end, so no slot is held.
      const failed = await waitFor(
        () => cheap.getFailed(),
        (list) => list.length === JOBS,
        { what: `all ${JOBS} jobs in the failed set`, timeoutMs: 60_000 },
      );
      for (const job of failed) expect(job.failedReason).toMatch(/ledger write failed \(.*\): permission denied for table attempts/);
      expect(await cheap.getActiveCount()).toBe(0);
      expect(await permanentFailures(worker.healthPort)).toBeGreaterThanOrEqual(JOBS);
      const probe = await readyz(worker.healthPort);
      expect(probe.status).toBe(503);
      expect(probe.body.checks).toMatchObject({ postgres: true, redis: true, ledger: false });
      expect(probe.body.reasons?.ledger).toMatch(/permission denied for table attempts/);
      const callsBefore = pipeline.fake.stats().totalCalls;
      expect(callsBefore).toBe(JOBS);

      // Fixed: retrying the failed jobs replays their journalled endings into Postgres.
      await admin.query(`grant insert on attempts to ${role}`);
      for (const job of failed) await job.retry();
      await pipeline.waitForBatch(batchId);
      const counts = await ledgerCounts(pipeline.testDb.database.db, batchId);
      expect(counts).toMatchObject({ requests: JOBS, finished: JOBS, duplicated: 0, attempts: JOBS, okAttempts: JOBS, inconsistent: 0 });
      expect(pipeline.fake.stats().totalCalls).toBe(callsBefore);
      await waitFor(
        () => readyz(worker.healthPort),
        (result) => result.status === 200,
        { what: "/readyz to recover after a successful write" },
      );
    } finally {
      await cheap.close();
    }
  });
});
