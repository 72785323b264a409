import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { ledgerCounts } from "../helpers/ledger-counts.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.js";
import { waitFor } from "../helpers/wait-for.js";
import { startWorkerProcess, type WorkerProcess } from "../helpers/worker-process.js";

const JOBS = 40;

/** /readyz's status, or 0 when the request itself failed (the probe retries; a dead worker fails the test below). */
const readiness = async (port: number) =>
  fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) }).then(
    (response) => response.status,
    () => 0,
  );

/**
 * Postgres goes away mid-batch (a TCP proxy in front of it is cut): finished provider results wait
 * in the worker and its journal, /readyz says not ready, nothing calls a provider twice, and every
 * job lands exactly once when Postgres is back.
 */
describe("a Postgres outage in the middle of a batch", () => {
  let pipeline: TestPipeline;
  let proxy: TcpProxy;
  let worker: WorkerProcess;
  beforeAll(async () => {
    pipeline = await startTestPipeline({
      config: testConfig(),
      stages: ["intake"],
      scenario: { seed: 6, models: { "*": { latencyMs: 150 } } },
    });
    const direct = new URL(pipeline.testDb.url);
    proxy = await startTcpProxy(Number(direct.port || 5432), direct.hostname);
    const viaProxy = Object.assign(new URL(pipeline.testDb.url), { port: String(proxy.port) }).toString();
    worker = await startWorkerProcess(pipeline, { stages: "cheap,balanced,premium", env: { DATABASE_URL: viaProxy } });
  });
  afterAll(async () => {
    proxy?.restore();
    await worker?.stop();
    await proxy?.close();
    await pipeline?.close();
  });

  it("keeps finished results until Postgres is back and never calls a provider again", async () => {
    const jobs = Array.from({ length: JOBS }, (_, index) => ({
      id: `pg-${index}`,
      kind: "classify" as const,
      tier: "cheap",
      prompt: `Ticket ${index}: my parcel never arrived and tracking is stuck.`,
      labels: TICKET_LABELS,
    }));
    const { batchId } = await pipeline.producer.enqueueJobs(jobs, { batchName: "pg-outage" });
    const db = pipeline.testDb.database.db;
    await waitFor(
      () => ledgerCounts(db, batchId),
      (counts) => counts.finished >= 5,
      { what: "some jobs to finish" },
    );

    await waitFor(
      () => pipeline.fake.stats(),
      (stats) => (stats.models["gpt-5-mini"]?.inFlight ?? 0) >= 2,
      { what: "calls in flight" },
    );
    proxy.cut();
    const inFlightAtCut = pipeline.fake.stats().models["gpt-5-mini"]!.inFlight;
    await waitFor(
      () => readiness(worker.healthPort),
      (status) => status === 503,
      { what: "/readyz to report not ready" },
    );
    // The calls in flight at the cut finish during the outage: their results must wait, not be lost or redone.
    await waitFor(
      () => pipeline.fake.stats(),
      (stats) => (stats.models["gpt-5-mini"]?.inFlight ?? 0) === 0,
      {
        what: "calls to finish while Postgres is down",
      },
    );
    // Their ledger writes failed and are being retried, with the answers kept.
    await worker.waitForOutput(/write failed; keeping the result and retrying/);
    proxy.restore();

    await pipeline.waitForBatch(batchId);
    await waitFor(
      () => readiness(worker.healthPort),
      (status) => status === 200,
      { what: "/readyz to recover" },
    );
    const counts = await ledgerCounts(db, batchId);
    const calls = pipeline.fake.stats().totalCalls;
    console.log(
      `postgres outage: enqueued ${JOBS}, completed ${counts.finished}, failed ${counts.finished - counts.okAttempts}, ` +
        `duplicated ${counts.duplicated}, lost ${JOBS - counts.finished}, provider calls ${calls}, ` +
        `extra provider calls ${calls - JOBS}, answers held through the outage ${inFlightAtCut}`,
    );
    expect(counts).toMatchObject({
      requests: JOBS,
      finished: JOBS,
      queued: 0,
      duplicated: 0,
      okAttempts: JOBS,
      attempts: JOBS,
      inconsistent: 0,
    });
    // One call per job: the outage made no provider call happen twice.
    expect(calls).toBe(JOBS);
    expect(worker.child.exitCode, worker.output().stderr.slice(-2000)).toBeNull();
  });
});
