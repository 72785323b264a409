import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProducer } from "../../src/produce/producer.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { ledgerCounts } from "../helpers/ledger-counts.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";
import { TEST_REDIS_URL } from "../helpers/redis.js";
import { waitFor } from "../helpers/wait-for.js";
import { startWorkerProcess, type WorkerProcess } from "../helpers/worker-process.js";

const JOBS = 40;
const LATE_JOBS = 10;

const tickets = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-${index}`,
    kind: "classify" as const,
    tier: "cheap",
    prompt: `Ticket ${index}: I cannot reset my password, the link has expired.`,
    labels: TICKET_LABELS,
  }));

/** Redis drops every connection mid-batch and comes back: workers and producers reconnect and go on. */
describe("a Redis outage in the middle of a batch", () => {
  let pipeline: TestPipeline;
  let proxy: TcpProxy;
  let worker: WorkerProcess;
  beforeAll(async () => {
    pipeline = await startTestPipeline({
      config: testConfig(),
      stages: ["intake"],
      scenario: { seed: 8, models: { "*": { latencyMs: 150 } } },
    });
    proxy = await startTcpProxy(Number(new URL(TEST_REDIS_URL).port || 6379), new URL(TEST_REDIS_URL).hostname);
    worker = await startWorkerProcess(pipeline, {
      stages: "cheap,balanced,premium",
      env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}` },
    });
  });
  afterAll(async () => {
    proxy?.restore();
    await worker?.stop();
    await proxy?.close();
    await pipeline?.close();
  });

  it("reconnects workers and producers and finishes every job exactly once", async () => {
    const db = pipeline.testDb.database.db;
    const { batchId } = await pipeline.producer.enqueueJobs(tickets("redis", JOBS), { batchName: "redis-outage" });
    await waitFor(
      () => ledgerCounts(db, batchId),
      (counts) => counts.finished >= 5,
      { what: "some jobs to finish" },
    );

    proxy.cut();
    // A producer during the outage: it writes only Postgres (the backlog), and the feeders add its jobs once Redis is back.
    const lateProducer = createProducer({ db, config: pipeline.config });
    const lateEnqueue = lateProducer.enqueueJobs(tickets("redis-late", LATE_JOBS), { batchName: "redis-late" });
    // Stay down until the worker has noticed.
    await worker.waitForOutput(/worker error|ECONNRESET|Connection is closed|ECONNREFUSED/);
    proxy.restore();

    const late = await lateEnqueue;
    expect(late.accepted).toBe(LATE_JOBS);
    await pipeline.waitForBatch(batchId);
    await pipeline.waitForBatch(late.batchId);
    await lateProducer.close();

    const counts = await ledgerCounts(db, batchId);
    const lateCounts = await ledgerCounts(db, late.batchId);
    const calls = pipeline.fake.stats().totalCalls;
    const total = JOBS + LATE_JOBS;
    console.log(
      `redis outage: enqueued ${total}, completed ${counts.finished + lateCounts.finished}, ` +
        `failed ${counts.finished + lateCounts.finished - counts.okAttempts - lateCounts.okAttempts}, ` +
        `duplicated ${counts.duplicated + lateCounts.duplicated}, lost ${total - counts.finished - lateCounts.finished}, ` +
        `provider calls ${calls}, abandoned ${counts.abandoned + lateCounts.abandoned}, extra provider calls ${calls - total}`,
    );
    expect(counts).toMatchObject({ requests: JOBS, finished: JOBS, duplicated: 0, okAttempts: JOBS, inconsistent: 0 });
    expect(lateCounts).toMatchObject({ requests: LATE_JOBS, finished: LATE_JOBS, duplicated: 0, okAttempts: LATE_JOBS, inconsistent: 0 });
    // Every call the provider saw is in the ledger exactly once (a call cut off mid-way would be `abandoned`).
    expect(counts.attempts + lateCounts.attempts).toBe(calls);
    expect(worker.child.exitCode).toBeNull();
  });
});
