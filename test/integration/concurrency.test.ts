import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli, type LongRunningCli } from "../helpers/cli-process.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { pipelineEnv } from "../helpers/chaos-workers.js";
import { workerSeriesTotal } from "../helpers/worker-metrics.js";

const CHEAP_LIMIT = 3;

describe("a tier's concurrency limit across worker processes", () => {
  let pipeline: TestPipeline;
  const workers: LongRunningCli[] = [];
  beforeAll(async () => {
    const base = testConfig();
    const config = { ...base, tiers: base.tiers.map((tier) => (tier.name === "cheap" ? { ...tier, concurrency: CHEAP_LIMIT } : tier)) };
    // Intake runs here; the cheap tier runs only in the two spawned processes.
    pipeline = await startTestPipeline({ config, stages: ["intake"], scenario: { seed: 2, models: { "*": { latencyMs: 150 } } } });
    const configPath = await writeConfigFile(config);
    const env = pipelineEnv(pipeline, configPath);
    for (let index = 0; index < 2; index++) {
      const worker = startCli(["worker", "--stages", "cheap"], env);
      workers.push(worker);
      await worker.waitForOutput(/health on :\d+/);
    }
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await pipeline?.close();
  });

  it("never lets more than the limit run at once, while both processes do work", async () => {
    const attemptsByWorker = async () =>
      Promise.all(
        workers.map(async (worker) => {
          const port = (await worker.waitForOutput(/health on :(\d+)/))[1];
          return workerSeriesTotal(port!, "llm_router_attempts_total");
        }),
      );
    // Which process takes a freed slot is a race (BullMQ hands the next job to the worker that just
    // finished one), so on a loaded machine one process can take a whole batch. Such a round proves
    // nothing about a limit across processes: run another, until both have worked (at most 5 rounds).
    for (let round = 0; round < 5 && (await attemptsByWorker()).some((attempts) => attempts === 0); round++) {
      const jobs = Array.from({ length: 36 }, (_, index) => ({
        id: `conc-${round}-${index}`,
        kind: "classify" as const,
        tier: "cheap",
        prompt: `Ticket ${index}: my card was charged twice for the same order.`,
        labels: TICKET_LABELS,
      }));
      const { batchId } = await pipeline.producer.enqueueJobs(jobs, { batchName: `concurrency-${round}` });
      const status = await pipeline.waitForBatch(batchId);
      expect(status.succeeded).toBe(36);
    }
    for (const attempts of await attemptsByWorker()) expect(attempts).toBeGreaterThan(0);

    const stats = pipeline.fake.stats();
    const inFlight = Object.values(stats.models).map((model) => model.maxInFlight);
    expect(Math.max(...inFlight)).toBeLessThanOrEqual(CHEAP_LIMIT);
    // The limit was actually used: calls overlapped.
    expect(Math.max(...inFlight)).toBeGreaterThanOrEqual(2);
  });
});
