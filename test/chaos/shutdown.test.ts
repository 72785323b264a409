import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { tierQueueName } from "../../src/queue/queue-names.js";
import { journalPattern } from "../../src/queue/redis-keys.js";
import { waitForBatchSettled } from "../helpers/batch-settled.js";
import { ledgerNumbers, lostOf, printChaosSummary } from "../helpers/chaos-summary.js";
import { pipelineEnv, startWorkerProcess } from "../helpers/chaos-workers.js";
import type { LongRunningCli } from "../helpers/cli-process.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * SIGTERM on a worker process with calls in flight: a clean drain exits 0 and leaves nothing behind;
 * a second signal, or a drain longer than SHUTDOWN_TIMEOUT_MS, exits at once (130, 1) and the job is
 * picked up again by another worker.
 */
const TIER_STAGES = ["cheap", "balanced", "premium"];
const TIERS = ["cheap", "balanced", "premium"];

/** Calls open at the fake provider right now, over every model. */
const inFlight = (pipeline: TestPipeline) => Object.values(pipeline.fake.stats().models).reduce((sum, model) => sum + model.inFlight, 0);

const exitOf = (worker: LongRunningCli) =>
  new Promise<number | null>((resolve) => {
    if (worker.child.exitCode !== null) resolve(worker.child.exitCode);
    else worker.child.once("exit", (code) => resolve(code));
  });

function cheapJobs(count: number, idPrefix: string) {
  return Array.from({ length: count }, (_, index) => ({
    id: `${idPrefix}-${index}`,
    kind: "classify" as const,
    tier: "cheap",
    prompt: `Ticket ${index}: the parcel for order ${2000 + index} never arrived.`,
    labels: TICKET_LABELS,
  }));
}

describe("shutting a worker process down", { timeout: 120_000 }, () => {
  let pipeline: TestPipeline;
  let config: RouterConfig;
  let configPath: string;
  const started: LongRunningCli[] = [];
  /**
   * Fast stalled-job recovery, so a job left behind by a forced exit is taken over within seconds. Every
   * worker of the file uses it: one slow stalled-check interval in the shared queue would delay the rest.
   */
  const FAST_RECOVERY = { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000" };
  const spawnWorker = async (extra: NodeJS.ProcessEnv = {}) => {
    // info: the worker logs when it starts draining, which the double-signal case waits for.
    const { worker } = await startWorkerProcess(
      TIER_STAGES,
      pipelineEnv(pipeline, configPath, { LOG_LEVEL: "info", ...FAST_RECOVERY, ...extra }),
    );
    started.push(worker);
    return worker;
  };

  beforeAll(async () => {
    const base = testConfig();
    // Calls may take 20 s here: a per-call timeout well above that, so only shutdown ends them.
    config = {
      ...base,
      tiers: base.tiers.map((tier) => ({ ...tier, models: tier.models.map((model) => ({ ...model, timeoutMs: 60_000 })) })),
    };
    pipeline = await startTestPipeline({ config, stages: ["intake"], scenario: { seed: 11, models: { "*": { latencyMs: 1_500 } } } });
    configPath = await writeConfigFile(config);
  }, 60_000);
  afterAll(async () => {
    for (const worker of started) worker.child.kill("SIGKILL");
    await pipeline?.close();
  });

  it("SIGTERM stops taking jobs, lets the calls in flight finish, exits 0 and leaves no job active or call unrecorded", async () => {
    const JOBS = 12;
    const cheap = config.tiers[0]!;
    // 3 s calls: ample margin between seeing every slot busy and the signal landing, so no call can end
    // (and free a slot for a new job) in between.
    pipeline.fake.setScenario({ seed: 11, models: { "*": { latencyMs: 3_000 } } });
    pipeline.fake.resetStats();
    const worker = await spawnWorker();
    const { batchId } = await pipeline.producer.enqueueJobs(cheapJobs(JOBS, "drain"), { batchName: "drain" });
    // Every slot of the tier busy with a 3 s call.
    await waitFor(
      () => inFlight(pipeline),
      (n) => n === cheap.concurrency,
      { what: "the tier's calls to be in flight", timeoutMs: 30_000, intervalMs: 10 },
    );
    const callsAtSignal = pipeline.fake.stats().totalCalls;
    worker.child.kill("SIGTERM");
    const code = await exitOf(worker);

    const db = pipeline.testDb.database.db;
    const afterExit = await ledgerNumbers(db, batchId);
    const callsAtExit = pipeline.fake.stats().totalCalls;
    const queue = new Queue(tierQueueName("cheap"), { connection: pipeline.runtime.redis(), prefix: pipeline.prefix });
    const counts = await queue.getJobCounts();
    const journals = await pipeline.runtime.redis().keys(journalPattern(pipeline.prefix));
    await queue.close();

    expect.soft(code, `exit code; stderr:\n${worker.output().stderr.slice(-2000)}`).toBe(0);
    // The calls in flight finished (no new ones started) and each is a finished, successful attempt.
    expect.soft(callsAtExit).toBe(callsAtSignal);
    expect.soft(inFlight(pipeline)).toBe(0);
    expect.soft(afterExit.attempts).toEqual({ ok: callsAtExit });
    expect.soft(afterExit.completed).toBe(callsAtExit);
    // Nothing is left active (to stall) or half-written; the rest waits in the queue for the next worker.
    expect.soft(counts.active).toBe(0);
    expect.soft(counts.completed).toBe(afterExit.completed);
    expect.soft((counts.waiting ?? 0) + (counts.prioritized ?? 0)).toBe(JOBS - afterExit.completed);
    expect.soft(afterExit.queued).toBe(JOBS - afterExit.completed);
    // Finished runs keep their journal briefly (so a re-run replays instead of calling again): each
    // one left must hold a decided ending, no call left in flight, and be on its way out.
    for (const key of journals) {
      const redis = pipeline.runtime.redis();
      const fields = await redis.hkeys(key);
      expect.soft(fields, key).toContain("ending");
      expect
        .soft(
          fields.filter((field) => field.startsWith("call:") && !fields.includes(`done:${field.slice(5)}`)),
          key,
        )
        .toEqual([]);
      const ttl = await redis.pttl(key);
      expect.soft(ttl, key).toBeGreaterThan(0);
      expect.soft(ttl, key).toBeLessThanOrEqual(2 * (2_000 + 1_000));
    }

    // Another worker finishes the rest: nothing lost, nothing done twice.
    const next = await spawnWorker();
    const { status } = await waitForBatchSettled(db, pipeline.runtime.redis(), pipeline.prefix, TIERS, batchId, 60_000);
    await next.stop();
    const numbers = await ledgerNumbers(db, batchId);
    const calls = pipeline.fake.stats().totalCalls;
    printChaosSummary(
      "shutdown/SIGTERM drain",
      {
        enqueued: numbers.enqueued,
        completed: numbers.completed,
        failed: numbers.failed,
        duplicated: numbers.duplicated,
        lost: lostOf(numbers),
        extraProviderCalls: calls - JOBS,
      },
      {
        "exit code": code,
        "calls in flight at SIGTERM": callsAtSignal,
        "calls started after SIGTERM": callsAtExit - callsAtSignal,
        "finished by the drained worker": afterExit.completed,
        "left waiting (not active)": (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        "active after exit": counts.active,
      },
    );
    expect.soft(status).toMatchObject({ jobs: JOBS, succeeded: JOBS, queued: 0 });
    expect.soft(numbers.attempts).toEqual({ ok: JOBS });
    expect.soft(calls).toBe(JOBS);
  });

  /** Starts a worker, gives it one job with a 20 s call, and waits until the call is in flight. */
  async function workerWithLongCall(idPrefix: string, extra: NodeJS.ProcessEnv) {
    pipeline.fake.setScenario({ seed: 12, models: { "*": { latencyMs: 20_000 } } });
    pipeline.fake.resetStats();
    const worker = await spawnWorker(extra);
    const { batchId } = await pipeline.producer.enqueueJobs(cheapJobs(1, idPrefix), { batchName: idPrefix });
    await waitFor(
      () => inFlight(pipeline),
      (n) => n === 1,
      { what: "the long call to be in flight", timeoutMs: 30_000, intervalMs: 10 },
    );
    return { worker, batchId };
  }

  /** After a forced exit: a fresh worker takes the stalled job over; the cut call is recorded as abandoned. */
  async function recover(batchId: string) {
    pipeline.fake.setScenario({ seed: 13, models: { "*": { latencyMs: 0 } } });
    const next = await spawnWorker();
    const { status } = await waitForBatchSettled(
      pipeline.testDb.database.db,
      pipeline.runtime.redis(),
      pipeline.prefix,
      TIERS,
      batchId,
      60_000,
    );
    await next.stop();
    return { status, numbers: await ledgerNumbers(pipeline.testDb.database.db, batchId), calls: pipeline.fake.stats().totalCalls };
  }

  it("a second signal exits at once with 130; the job is taken over and its cut call recorded as abandoned", async () => {
    const { worker, batchId } = await workerWithLongCall("twice", {});
    worker.child.kill("SIGTERM");
    await worker.waitForOutput(/draining/);
    worker.child.kill("SIGTERM");
    const code = await exitOf(worker);
    // It did not wait for the 20 s call: nothing of it was written.
    const attemptsAtExit = (await ledgerNumbers(pipeline.testDb.database.db, batchId)).attemptTotal;

    const { status, numbers, calls } = await recover(batchId);
    printChaosSummary(
      "shutdown/second signal",
      {
        enqueued: numbers.enqueued,
        completed: numbers.completed,
        failed: numbers.failed,
        duplicated: numbers.duplicated,
        lost: lostOf(numbers),
        extraProviderCalls: calls - 1,
      },
      { "exit code": code, "attempts by outcome": numbers.attempts },
    );
    expect.soft(code, `exit code; stderr:\n${worker.output().stderr.slice(-2000)}`).toBe(130);
    expect.soft(attemptsAtExit).toBe(0);
    expect.soft(status).toMatchObject({ jobs: 1, succeeded: 1, queued: 0 });
    expect.soft(numbers.attempts).toEqual({ abandoned: 1, ok: 1 });
  });

  it("a drain longer than SHUTDOWN_TIMEOUT_MS exits 1; the job is taken over and its cut call recorded as abandoned", async () => {
    const { worker, batchId } = await workerWithLongCall("timeout", { SHUTDOWN_TIMEOUT_MS: "500" });
    worker.child.kill("SIGTERM");
    const code = await exitOf(worker);
    const attemptsAtExit = (await ledgerNumbers(pipeline.testDb.database.db, batchId)).attemptTotal;

    const { status, numbers, calls } = await recover(batchId);
    printChaosSummary(
      "shutdown/SHUTDOWN_TIMEOUT_MS exceeded",
      {
        enqueued: numbers.enqueued,
        completed: numbers.completed,
        failed: numbers.failed,
        duplicated: numbers.duplicated,
        lost: lostOf(numbers),
        extraProviderCalls: calls - 1,
      },
      { "exit code": code, "attempts by outcome": numbers.attempts },
    );
    expect.soft(code, `exit code; stderr:\n${worker.output().stderr.slice(-2000)}`).toBe(1);
    expect.soft(worker.output().stderr).toMatch(/drain timed out/);
    expect.soft(attemptsAtExit).toBe(0);
    expect.soft(status).toMatchObject({ jobs: 1, succeeded: 1, queued: 0 });
    expect.soft(numbers.attempts).toEqual({ abandoned: 1, ok: 1 });
  });
});
