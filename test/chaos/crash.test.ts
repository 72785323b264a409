import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { ledgerCounts } from "../helpers/ledger-counts.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { waitFor } from "../helpers/wait-for.js";
import { workerSeriesTotal } from "../helpers/worker-metrics.js";
import { startWorkerProcess, type WorkerProcess } from "../helpers/worker-process.js";

const JOBS = 60;

/** kill -9 of a worker mid-batch: its jobs move to another worker; nothing lost, nothing doubled, no call hidden. */
describe("a worker killed in the middle of a batch", () => {
  let pipeline: TestPipeline;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    const config = testConfig();
    pipeline = await startTestPipeline({ config, stages: ["intake"], scenario: { seed: 4, models: { "*": { latencyMs: 400 } } } });
    // Short locks so the dead worker's jobs are taken over in seconds, not the production 30 s.
    const env = { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000" };
    for (let index = 0; index < 2; index++) workers.push(await startWorkerProcess(pipeline, { stages: "cheap,balanced,premium", env }));
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await pipeline?.close();
  });

  it("ends every job exactly once and records the killed worker's calls as abandoned", async () => {
    const jobs = Array.from({ length: JOBS }, (_, index) => ({
      id: `crash-${index}`,
      kind: "classify" as const,
      tier: "cheap",
      prompt: `Ticket ${index}: the invoice total is wrong and I was charged twice.`,
      labels: TICKET_LABELS,
    }));
    const { batchId } = await pipeline.producer.enqueueJobs(jobs, { batchName: "crash" });
    const db = pipeline.testDb.database.db;
    // Kill one worker while both hold calls in flight and part of the batch is done.
    await waitFor(
      () => ledgerCounts(db, batchId),
      (counts) => counts.finished >= 8,
      { what: "some jobs to finish" },
    );
    // The worker to kill is one with calls in flight: a pod that has waiting calls hands its freed
    // slots to them, so one pod may hold all of a tier's slots for a while and the other none.
    const [victim] = await waitFor(
      async () => {
        const counts = await Promise.all(workers.map((worker) => workerSeriesTotal(worker.healthPort, "llm_router_calls_in_flight")));
        return workers.filter((_, index) => counts[index]! >= 2);
      },
      (busy) => busy.length > 0,
      { what: "a worker with two calls in flight" },
    );
    victim!.child.kill("SIGKILL");

    await pipeline.waitForBatch(batchId);
    const counts = await ledgerCounts(db, batchId);
    const calls = pipeline.fake.stats().totalCalls;
    console.log(
      `crash: enqueued ${JOBS}, completed ${counts.finished}, failed ${counts.finished - counts.okAttempts}, ` +
        `duplicated ${counts.duplicated}, lost ${JOBS - counts.finished}, provider calls ${calls}, ` +
        `abandoned ${counts.abandoned}, extra provider calls ${calls - JOBS}`,
    );
    expect(counts).toMatchObject({ requests: JOBS, finished: JOBS, queued: 0, duplicated: 0, okAttempts: JOBS, inconsistent: 0 });
    // The kill interrupted calls: they are in the ledger, not silently missing…
    expect(counts.abandoned).toBeGreaterThan(0);
    // …and every call the provider saw is an attempts row. A call noted in the journal but killed
    // before its request left the process is recorded as abandoned too (nobody can know it never
    // reached the provider), so the rows may exceed the calls by at most the abandoned ones.
    expect(counts.attempts).toBeGreaterThanOrEqual(calls);
    expect(counts.attempts - counts.abandoned).toBeLessThanOrEqual(calls);
  });
});
