import { Queue } from "bullmq";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { waitForBatchSettled } from "../helpers/batch-settled.js";
import { ledgerNumbers, lostOf, printChaosSummary } from "../helpers/chaos-summary.js";
import { pipelineEnv, startWorkerProcess } from "../helpers/chaos-workers.js";
import type { LongRunningCli } from "../helpers/cli-process.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { workerSeriesTotal } from "../helpers/worker-metrics.js";

/**
 * Per-model limits must hold for all pods together. Two worker processes run the tiers; intake runs
 * in the test. The first case waits out a real rpm window, hence the long timeout.
 */
const TIER_STAGES = ["cheap", "balanced", "premium"];

function cheapJobs(count: number, idPrefix: string) {
  return Array.from({ length: count }, (_, index) => ({
    id: `${idPrefix}-${index}`,
    kind: "classify" as const,
    tier: "cheap",
    prompt: `Ticket ${index}: I was charged twice for order ${1000 + index}.`,
    labels: TICKET_LABELS,
  }));
}

async function startTwoPods(config: RouterConfig, pipeline: TestPipeline) {
  const env = pipelineEnv(pipeline, await writeConfigFile(config));
  return Promise.all([startWorkerProcess(TIER_STAGES, env), startWorkerProcess(TIER_STAGES, env)]);
}

/** Waits for the batch (or for its queues to run dry), and names the requests left without an ending. */
async function settle(pipeline: TestPipeline, batchId: string, timeoutMs: number) {
  const settled = await waitForBatchSettled(
    pipeline.testDb.database.db,
    pipeline.runtime.redis(),
    pipeline.prefix,
    TIER_STAGES,
    batchId,
    timeoutMs,
  );
  const unfinished = await queryRows<{ id: string }>(
    pipeline.testDb.database.db,
    sql`select id from requests where batch_id = ${batchId} and status = 'queued' order by id`,
  );
  return { ...settled, unfinished: unfinished.map((row) => row.id) };
}

/** Where each unfinished request's job is in every tier queue, and what the last stage returned for it. */
async function whereAre(pipeline: TestPipeline, ids: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const tier of TIER_STAGES) {
    const queue = new Queue(`tier-${tier}`, { connection: pipeline.runtime.redis(), prefix: pipeline.prefix });
    try {
      for (const id of ids) {
        const job = await queue.getJob(id);
        if (job) found.push(`${id} in tier-${tier}: ${await job.getState()}, returned ${JSON.stringify(job.returnvalue)}`);
      }
    } finally {
      await queue.close();
    }
  }
  return found;
}

/** Jobs' data as the tier queue holds it now (completed jobs stay for de-duplication). */
async function tierJobData(pipeline: TestPipeline, tier: string): Promise<{ id: string; deferrals: number }[]> {
  const queue = new Queue(`tier-${tier}`, { connection: pipeline.runtime.redis(), prefix: pipeline.prefix });
  try {
    const jobs = await queue.getJobs(["completed", "failed", "wait", "active", "delayed", "prioritized"]);
    return jobs.map((job) => ({ id: job.id!, deferrals: Number(job.data?.deferrals ?? 0) }));
  } finally {
    await queue.close();
  }
}

describe("a model's rpm limit across two worker processes", { timeout: 150_000 }, () => {
  const RPM = 8;
  const JOBS = 14;
  let pipeline: TestPipeline;
  let pods: { worker: LongRunningCli; port: number }[] = [];

  beforeAll(async () => {
    // Jobs over the limit re-check every few seconds until the next window: give them room to wait.
    const base = testConfig({ maxDeferrals: 100 });
    // The cheap tier is gpt-5-mini alone, 8 calls a minute for everyone together.
    const config: RouterConfig = {
      ...base,
      tiers: base.tiers.map((tier) => (tier.name === "cheap" ? { ...tier, models: [{ ...tier.models[0]!, rpm: RPM }] } : tier)),
    };
    pipeline = await startTestPipeline({ config, stages: ["intake"], scenario: { seed: 5, models: { "*": { latencyMs: 100 } } } });
    pods = await startTwoPods(config, pipeline);
  }, 90_000);
  afterAll(async () => {
    await Promise.all(pods.map(({ worker }) => worker.stop()));
    await pipeline?.close();
  });

  it("never lets gpt-5-mini take more than rpm calls in a rate window, burns no attempt on the limit, and finishes every job", async () => {
    const { batchId, accepted } = await pipeline.producer.enqueueJobs(cheapJobs(JOBS, "rpm"), { batchName: "rpm-limit" });
    expect(accepted).toBe(JOBS);
    // JOBS > RPM: the rest must wait for the next minute.
    const { status, unfinished } = await settle(pipeline, batchId, 130_000);

    const db = pipeline.testDb.database.db;
    const calls = await queryRows<{ model: string; outcome: string; started_ms: string }>(
      db,
      sql`select model, outcome, (extract(epoch from started_at) * 1000)::bigint::text as started_ms from attempts order by started_at`,
    );
    // rpm is enforced per 60-second window shared by every pod (rate-limiter-flexible's fixed window:
    // it opens at the first admission and the next one at the first admission after it closes). A call
    // starts a few ms after its admission, hence the slack.
    const ADMISSION_SLACK_MS = 250;
    const starts = calls.filter((call) => call.model === "gpt-5-mini").map((call) => Number(call.started_ms));
    let busiestMinute = 0;
    for (let windowStart = 0; windowStart < starts.length;) {
      const windowEnd = starts.findIndex((start) => start >= starts[windowStart]! + 60_000 - ADMISSION_SLACK_MS);
      const next = windowEnd === -1 ? starts.length : windowEnd;
      busiestMinute = Math.max(busiestMinute, next - windowStart);
      windowStart = next;
    }
    const numbers = await ledgerNumbers(db, batchId);
    const deferred = (await tierJobData(pipeline, "cheap")).filter((job) => job.deferrals > 0).length;
    const providerCalls = pipeline.fake.stats().totalCalls;
    printChaosSummary(
      "rate-limits/rpm across 2 pods",
      {
        enqueued: numbers.enqueued,
        completed: numbers.completed,
        failed: numbers.failed,
        duplicated: numbers.duplicated,
        lost: lostOf(numbers),
        extraProviderCalls: providerCalls - JOBS,
      },
      {
        rpm: RPM,
        "most gpt-5-mini calls in one rate window": busiestMinute,
        "call starts, s after the first": starts.map((start) => ((start - starts[0]!) / 1000).toFixed(1)).join(" "),
        "jobs deferred by the limit": deferred,
        "attempts by outcome": numbers.attempts,
      },
    );

    expect.soft(unfinished, `requests left without an ending:\n${(await whereAre(pipeline, unfinished)).join("\n")}`).toEqual([]);
    expect.soft(status).toMatchObject({ jobs: JOBS, succeeded: JOBS, failed: 0, queued: 0 });
    expect.soft(busiestMinute, "gpt-5-mini calls in the busiest rate window").toBeLessThanOrEqual(RPM);
    // The limit made jobs wait (deferral), it did not burn attempts: one ok call per job, no errors.
    expect.soft(numbers.attempts).toEqual({ ok: JOBS });
    expect.soft(calls).toHaveLength(JOBS);
    expect.soft(providerCalls).toBe(JOBS);
    // Jobs that met the spent limit went back to the queue (the others waited behind the paused queue).
    expect.soft(deferred).toBeGreaterThanOrEqual(1);
    const finals = await queryRows<{ final_model: string; n: string }>(
      db,
      sql`select final_model, count(*)::text as n from requests where batch_id = ${batchId} group by 1`,
    );
    expect.soft(finals).toEqual([{ final_model: "gpt-5-mini", n: String(JOBS) }]);
    // Both pods took part, so the limit held across processes, not within one.
    for (const { port } of pods) {
      expect(await workerSeriesTotal(port, "llm_router_attempts_total")).toBeGreaterThan(0);
    }
  });
});

describe("every cheap model answering 429 with retry-after, across two worker processes", { timeout: 150_000 }, () => {
  const JOBS = 30;
  const MAX_DEFERRALS = 2;
  const RETRY_AFTER_MS = 2_000;
  /** Slack for the gap between a call's finished_at and its 429 reaching the gate (a journal write, a Redis call). */
  const REPORT_SLACK_MS = 250;
  let pipeline: TestPipeline;
  let config: RouterConfig;
  let pods: { worker: LongRunningCli; port: number }[] = [];

  beforeAll(async () => {
    // maxRetryDelayMs at its default (10 s), above the retry-after: same-model retries are allowed,
    // as in production, so only the cool-down can stop them.
    config = testConfig({ maxDeferrals: MAX_DEFERRALS, maxRetryDelayMs: 10_000 });
    const busy = { latencyMs: 50, errors: { "429": 1 }, retryAfterMs: RETRY_AFTER_MS };
    pipeline = await startTestPipeline({
      config,
      stages: ["intake"],
      scenario: { seed: 6, models: { "*": { latencyMs: 50 }, "gpt-5-mini": busy, "claude-haiku-4-5": busy } },
    });
    pods = await startTwoPods(config, pipeline);
  }, 90_000);
  afterAll(async () => {
    await Promise.all(pods.map(({ worker }) => worker.stop()));
    await pipeline?.close();
  });

  it("cools the models down for both pods and backs the queue off instead of burning calls; every job ends on balanced", async () => {
    const { batchId, accepted } = await pipeline.producer.enqueueJobs(cheapJobs(JOBS, "busy"), { batchName: "all-429" });
    expect(accepted).toBe(JOBS);
    const { status, unfinished } = await settle(pipeline, batchId, 120_000);

    const db = pipeline.testDb.database.db;
    const numbers = await ledgerNumbers(db, batchId);
    const cheap = config.tiers[0]!;
    const models = cheap.models.length;
    const stats = pipeline.fake.stats();
    const cheapCalls = cheap.models.reduce((sum, model) => sum + (stats.models[model.model]?.calls ?? 0), 0);
    const cheapAttempts = await queryRows<{
      model: string;
      outcome: string;
      error_type: string | null;
      started_ms: string;
      finished_ms: string;
    }>(
      db,
      sql`select model, outcome, error_type, (extract(epoch from started_at) * 1000)::bigint::text as started_ms,
            (extract(epoch from finished_at) * 1000)::bigint::text as finished_ms
          from attempts where tier = 'cheap' order by started_at`,
    );
    const deferrals = (await tierJobData(pipeline, "cheap")).map((job) => job.deferrals);

    // The shared cool-down, checked call by call: once a 429 from a model has come back (to either
    // pod), no pod starts a call to that model until its retry-after has passed.
    const duringCooldown: string[] = [];
    for (const answer of cheapAttempts) {
      const cooledFrom = Number(answer.finished_ms) + REPORT_SLACK_MS;
      const cooledUntil = Number(answer.finished_ms) + RETRY_AFTER_MS;
      for (const call of cheapAttempts) {
        const start = Number(call.started_ms);
        if (call.model === answer.model && start >= cooledFrom && start < cooledUntil) {
          duringCooldown.push(`${call.model} call at +${start - Number(answer.finished_ms)} ms after a 429`);
        }
      }
    }

    /*
     * Without the shared cool-down and the queue back-off, every job would call every cheap model
     * 1 + retriesPerModel times (the retry waits out the 2 s retry-after, which maxRetryDelayMs allows):
     *   naive = JOBS × models × (1 + retriesPerModel) = 30 × 2 × 2 = 120 calls.
     * With them: a 429 cools its model down for every pod for the retry-after, and when a cool-down
     * ends exactly one call goes first (the cool-down probe) while the rest keep waiting — no herd.
     * So, after a first wave of at most `concurrency` calls per model (in flight before any 429 came
     * back), each model takes at most one call per retry-after over the span in which the tier was
     * being tried (from the ledger, not a clock in the test):
     *   bound = models × (concurrency + span / retry-after).
     */
    const naive = JOBS * models * (1 + config.retriesPerModel);
    const cheapStarts = cheapAttempts.map((attempt) => Number(attempt.started_ms));
    const span = cheapStarts.length > 0 ? Math.max(...cheapStarts) - Math.min(...cheapStarts) : 0;
    const bound = models * (cheap.concurrency + Math.floor(span / RETRY_AFTER_MS));
    // No herd: once a model has answered 429, two calls to it never run at the same time (the first
    // wave, before any 429 came back, can of course overlap).
    const firstBusy = new Map<string, number>();
    for (const attempt of cheapAttempts) {
      const finished = Number(attempt.finished_ms) + REPORT_SLACK_MS;
      firstBusy.set(attempt.model, Math.min(firstBusy.get(attempt.model) ?? Infinity, finished));
    }
    const afterFirst429 = cheapAttempts.filter((attempt) => Number(attempt.started_ms) >= firstBusy.get(attempt.model)!);
    const overlapping = afterFirst429.filter((a, index) =>
      afterFirst429.some(
        (b, other) =>
          other !== index &&
          a.model === b.model &&
          Number(b.started_ms) < Number(a.finished_ms) &&
          Number(a.started_ms) < Number(b.finished_ms),
      ),
    );
    printChaosSummary(
      "rate-limits/all cheap models 429 across 2 pods",
      {
        enqueued: numbers.enqueued,
        completed: numbers.completed,
        failed: numbers.failed,
        duplicated: numbers.duplicated,
        lost: lostOf(numbers),
        // Every cheap call was a 429: all of them are extra.
        extraProviderCalls: stats.totalCalls - numbers.completed,
      },
      {
        "cheap-tier calls": cheapCalls,
        bound,
        "naive jobs×models×(1+retries)": naive,
        "calls during a cool-down": duringCooldown.length,
        "overlapping calls to one model": overlapping.length,
        "jobs by deferrals": Object.fromEntries([0, 1, 2].map((d) => [d, deferrals.filter((x) => x === d).length])),
        "requests left queued": unfinished.join(" ") || "none",
      },
    );

    expect.soft(unfinished, `requests left without an ending:\n${(await whereAre(pipeline, unfinished)).join("\n")}`).toEqual([]);
    expect.soft(status).toMatchObject({ jobs: JOBS, succeeded: JOBS, failed: 0, queued: 0 });
    expect.soft(status.byFinalTier.map((tier) => [tier.tier, tier.requests])).toEqual([["balanced", JOBS]]);
    expect.soft(duringCooldown, "calls started while their model was cooling down").toEqual([]);
    expect.soft(cheapCalls).toBeGreaterThan(0);
    expect.soft(cheapCalls, `cheap-tier calls (naive ${naive})`).toBeLessThanOrEqual(bound);
    expect.soft(cheapCalls).toBeLessThan(naive / 2);
    expect.soft(overlapping, "calls to one model in flight at once").toEqual([]);
    // Every cheap call is in the ledger as a rate-limited error; none went unrecorded.
    expect.soft(cheapAttempts.length).toBe(cheapCalls);
    expect.soft(cheapAttempts.every((a) => a.outcome === "error" && a.error_type === "rate_limited")).toBe(true);
    // The balanced tier answered each job once.
    expect.soft(stats.totalCalls - cheapCalls).toBe(JOBS);
    expect.soft(numbers.attempts.ok).toBe(JOBS);
    // The back-off was used, and never past maxDeferrals.
    expect.soft(deferrals).toHaveLength(JOBS);
    expect.soft(Math.max(...deferrals)).toBe(MAX_DEFERRALS);
  });
});
