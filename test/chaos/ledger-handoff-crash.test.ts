import { Queue } from "bullmq";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { tierQueueName } from "../../src/queue/queue-names.js";
import { ledgerHandoffKey } from "../../src/queue/redis-keys.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { ledgerCounts } from "../helpers/ledger-counts.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { waitFor } from "../helpers/wait-for.js";
import { startWorkerProcess, type WorkerProcess } from "../helpers/worker-process.js";

const JOBS = 12;

const jobsOf = (name: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    id: `${name}-${index}`,
    kind: "classify" as const,
    tier: "cheap",
    prompt: `Ticket ${index}: the refund for order ${index} never arrived.`,
    labels: TICKET_LABELS,
  }));

/**
 * kill -9 between the journal's ending and the ledger commit. The tier worker hands its answered
 * endings to the committer and completes the jobs, freeing the slots, while an admin transaction
 * holds the attempt rollup so no commit can land; then the worker is killed. Another worker's
 * committer takes the dead one's entries over: every request ends exactly once, nothing is doubled
 * (attempts, rollups), no provider is called again, and no request read as finished before its row.
 */
describe("a worker killed after handing its endings off, before they were committed", () => {
  let pipeline: TestPipeline;
  let admin: pg.Client;
  const workers: WorkerProcess[] = [];
  // Short locks: the dead worker's entries are claimed after about 2 s.
  const env = { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000" };

  beforeAll(async () => {
    pipeline = await startTestPipeline({
      config: testConfig(),
      stages: ["intake"],
      scenario: { seed: 8, models: { "*": { latencyMs: 20 } } },
    });
    admin = new pg.Client({ connectionString: pipeline.testDb.url });
    await admin.connect();
    workers.push(await startWorkerProcess(pipeline, { stages: "cheap,balanced,premium", env }));
  });
  afterAll(async () => {
    await admin?.query("rollback").catch(() => {});
    await admin?.end();
    await Promise.all(workers.map((worker) => worker.stop()));
    await pipeline?.close();
  });

  it("ends every handed-off request exactly once through another worker's committer", async () => {
    const db = pipeline.testDb.database.db;
    // A first job commits on its own path: the worker has seen the ledger take a write.
    const warm = await pipeline.producer.enqueueJobs(jobsOf("warm", 1), { batchName: "warm" });
    await pipeline.waitForBatch(warm.batchId);

    // No commit can land now: the attempt rollup is locked (intake and the producer never touch it).
    await admin.query("begin");
    await admin.query("lock table attempt_rollup_batch_daily in exclusive mode");
    const { batchId } = await pipeline.producer.enqueueJobs(jobsOf("handoff", JOBS), { batchName: "handoff" });
    const cheap = new Queue(tierQueueName("cheap"), { connection: pipeline.runtime.redis(), prefix: pipeline.prefix });
    try {
      // The slots were freed before the commit: every job completed in BullMQ, no row says so yet.
      await waitFor(
        () => cheap.getJobCounts("completed"),
        (counts) => (counts.completed ?? 0) >= JOBS + 1,
        { what: "the jobs to complete before their commit", timeoutMs: 30_000 },
      );
      expect((await ledgerCounts(db, batchId)).finished).toBe(0);
      expect(await pipeline.runtime.redis().xlen(ledgerHandoffKey(pipeline.prefix))).toBeGreaterThanOrEqual(JOBS);
    } finally {
      await cheap.close();
    }

    workers[0]!.child.kill("SIGKILL");
    await waitFor(
      async () => workers[0]!.child.exitCode !== null || workers[0]!.child.signalCode !== null,
      (exited) => exited,
      { what: "the worker to die" },
    );
    await admin.query("rollback");
    // Nothing commits these rows while no committer runs: the request stays queued, not lost.
    expect((await ledgerCounts(db, batchId)).finished).toBe(0);

    workers.push(await startWorkerProcess(pipeline, { stages: "cheap,balanced,premium", env }));
    await pipeline.waitForBatch(batchId);
    const counts = await ledgerCounts(db, batchId);
    const calls = pipeline.fake.stats().totalCalls;
    console.log(
      `hand-off crash: enqueued ${JOBS}, completed ${counts.finished}, duplicated ${counts.duplicated}, ` +
        `lost ${JOBS - counts.finished}, attempts ${counts.attempts}, extra provider calls ${calls - JOBS - 1}`,
    );
    expect(counts).toMatchObject({
      requests: JOBS,
      finished: JOBS,
      queued: 0,
      duplicated: 0,
      attempts: JOBS,
      okAttempts: JOBS,
      abandoned: 0,
      inconsistent: 0,
    });
    expect(calls).toBe(JOBS + 1);
    // The rollups counted each call and each request once.
    const [rollups] = await queryRows<{ calls: string; requests: string }>(
      db,
      sql`select (select coalesce(sum(calls), 0) from attempt_rollup_batch_daily where batch_id = ${batchId})::text as calls,
                 (select coalesce(sum(requests), 0) from request_rollup_batch_daily
                   where batch_id = ${batchId} and status = 'succeeded')::text as requests`,
    );
    expect(rollups).toEqual({ calls: String(JOBS), requests: String(JOBS) });
    // Acknowledged and deleted once committed.
    await waitFor(
      () => pipeline.runtime.redis().xlen(ledgerHandoffKey(pipeline.prefix)),
      (length) => length === 0,
      { what: "the hand-off stream to drain" },
    );
  });
});
