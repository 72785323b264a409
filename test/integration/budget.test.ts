import { writeFile } from "node:fs/promises";
import { Queue } from "bullmq";
import { sql } from "drizzle-orm";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { estimateJobs } from "../../src/estimate/estimate-batch.js";
import { budgetKeys } from "../../src/guards/budget-keys.js";
import { utcDay } from "../../src/guards/budget-decision.js";
import { createBudgetGuard, type BudgetGuard } from "../../src/guards/budget-guard.js";
import { jobInputSchema } from "../../src/jobs/job-schema.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { buildPriceBook } from "../../src/pricing/price-book.js";
import { formatUsd, parseUsd, type Picodollars } from "../../src/pricing/money.js";
import { tierQueueName } from "../../src/queue/queue-names.js";
import { ledgerNumbers, lostOf, printChaosSummary } from "../helpers/chaos-summary.js";
import { pipelineEnv, startWorkerProcess } from "../helpers/chaos-workers.js";
import type { LongRunningCli } from "../helpers/cli-process.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * Hard budgets across two worker processes, with a flaky provider (10% 429, 10% 529): the ledger's
 * cost never passes the budget, stopped jobs wait (none failed), and a raise finishes them all.
 */
const TIERS = ["cheap", "balanced", "premium"];
const JOBS = 1_000;
const DAILY_FEATURE = "daily-capped";

function mixedJobs(count: number, idPrefix: string, feature: string) {
  const topics = [
    "I was charged twice for order",
    "The export button crashes the app on",
    "Please add dark mode to",
    "I cannot log in since",
  ];
  return Array.from({ length: count }, (_, index) => ({
    id: `${idPrefix}-${index}`,
    kind: "classify" as const,
    feature,
    maxOutputTokens: 64,
    prompt:
      `${topics[index % topics.length]} ${1000 + index}.` +
      (index % 5 === 0 ? " Explain step by step why, compare the trade-offs and prove the totals add up. ".repeat(3) : ""),
    labels: TICKET_LABELS,
  }));
}

const toPico = (text: string | null) => parseUsd(text ?? "0");

describe("hard budgets across two worker processes", { timeout: 600_000 }, () => {
  let pipeline: TestPipeline;
  let config: RouterConfig;
  let configPath: string;
  let pods: { worker: LongRunningCli; port: number }[] = [];
  let guard: BudgetGuard;
  let dailyBudget: Picodollars;
  const dailyJobs = mixedJobs(JOBS, "fd", DAILY_FEATURE);

  async function promoteAll() {
    for (const tier of TIERS) {
      const queue = new Queue(tierQueueName(tier), { connection: pipeline.runtime.redis(), prefix: pipeline.prefix });
      await queue.promoteJobs();
      await queue.close();
    }
  }

  const expectedCost = (jobs: unknown[]): Picodollars =>
    estimateJobs(
      jobs.map((job) => jobInputSchema.parse(job)),
      config,
      buildPriceBook(config),
      new Map(),
    ).expected;

  async function batchCost(batchId: string): Promise<Picodollars> {
    const [row] = await queryRows<{ cost: string | null }>(
      pipeline.testDb.database.db,
      sql`select sum(a.cost_usd)::text as cost from attempts a join requests r on r.id = a.request_id where r.batch_id = ${batchId}`,
    );
    return toPico(row!.cost);
  }

  /** Jobs running right now in the tier queues (a paused batch has none of its own). */
  async function activeJobs(): Promise<number> {
    let active = 0;
    for (const tier of TIERS) {
      const queue = new Queue(tierQueueName(tier), { connection: pipeline.runtime.redis(), prefix: pipeline.prefix });
      active += await queue.getActiveCount();
      await queue.close();
    }
    return active;
  }

  /** Paused: a call was refused since the limit was set, nothing is reserved, nothing runs. */
  const waitPaused = (key: string) =>
    waitFor(
      async () => ({ state: await guard.state(key), active: await activeJobs() }),
      ({ state, active }) =>
        state !== undefined &&
        state.lastRefusedAtMs !== undefined &&
        state.lastRefusedAtMs > (state.limitSetAtMs ?? 0) &&
        state.reserved === 0n &&
        active === 0,
      { timeoutMs: 240_000, intervalMs: 500, what: `budget ${key} paused` },
    );

  const waitDone = (batchId: string) =>
    waitFor(
      () => ledgerNumbers(pipeline.testDb.database.db, batchId),
      (numbers) => numbers.queued === 0 && numbers.requestRows === JOBS,
      { timeoutMs: 300_000, intervalMs: 1_000, what: `batch ${batchId} done` },
    );

  async function check(name: string, batchId: string, budget: Picodollars, raise: () => Promise<void>) {
    const db = pipeline.testDb.database.db;
    const paused = await ledgerNumbers(db, batchId);
    const spentWhilePaused = await batchCost(batchId);
    await raise();
    const done = await waitDone(batchId);
    const callsInLedger = done.attemptTotal;
    const spentAfter = await batchCost(batchId);
    printChaosSummary(
      name,
      {
        enqueued: done.enqueued,
        completed: done.completed,
        failed: done.failed,
        duplicated: done.duplicated,
        lost: lostOf(done),
        extraProviderCalls: 0,
      },
      {
        "budget USD": formatUsd(budget),
        "sum attempts.cost_usd while paused": formatUsd(spentWhilePaused),
        "finished while paused": paused.completed,
        "waiting while paused": paused.queued,
        "failed while paused": paused.failed,
        "cost after the raise": formatUsd(spentAfter),
        "attempt rows": callsInLedger,
      },
    );
    expect(spentWhilePaused).toBeLessThanOrEqual(budget);
    expect(paused.failed).toBe(0);
    expect(paused.queued).toBeGreaterThan(0);
    expect(paused.completed + paused.queued).toBe(JOBS);
    expect(done).toMatchObject({ completed: JOBS, failed: 0, queued: 0, duplicated: 0 });
  }

  beforeAll(async () => {
    config = testConfig({ maxDeferrals: 1_000 });
    dailyBudget = (expectedCost(dailyJobs) * 40n) / 100n;
    config = { ...config, budgets: { [DAILY_FEATURE]: { dailyUsd: formatUsd(dailyBudget) } } };
    const flaky = { latencyMs: 5, errors: { "429": 0.1, "529": 0.1 }, retryAfterMs: 20, outputTokens: 3 };
    pipeline = await startTestPipeline({ config, stages: ["intake"], scenario: { seed: 13, models: { "*": flaky } } });
    configPath = await writeConfigFile(config);
    guard = createBudgetGuard({ redis: pipeline.runtime.redis(), prefix: pipeline.prefix, budgets: () => config.budgets });
    const env = pipelineEnv(pipeline, configPath);
    pods = await Promise.all([startWorkerProcess(TIERS, env), startWorkerProcess(TIERS, env)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(pods.map(({ worker }) => worker.stop()));
    await pipeline?.close();
  });

  it("a batch budget at 40% of the estimate: never over, none failed; a raise finishes them all once", async () => {
    const jobs = mixedJobs(JOBS, "bb", "batch-capped");
    const budget = (expectedCost(jobs) * 40n) / 100n;
    const batchId = "batch-budget-1";
    await guard.setBatchLimit(batchId, budget);
    const { accepted } = await pipeline.producer.enqueueJobs(jobs, { batchName: "budget", batchId });
    expect(accepted).toBe(JOBS);
    const { state } = await waitPaused(budgetKeys.batch(pipeline.prefix, batchId));
    expect(state!.spent).toBe(await batchCost(batchId));
    await check("budget/batch 40% across 2 pods", batchId, budget, async () => {
      await guard.setBatchLimit(batchId, parseUsd("1000"));
      await promoteAll();
    });
  });

  it("a feature's daily budget at 40% of the estimate: the same, and raising it in the tiers file resumes the jobs", async () => {
    const jobs = dailyJobs;
    const budget = dailyBudget;
    const dayKey = budgetKeys.featureDay(pipeline.prefix, DAILY_FEATURE, utcDay(new Date()));
    const batchId = "batch-budget-daily";
    const { accepted } = await pipeline.producer.enqueueJobs(jobs, { batchName: "daily", batchId });
    expect(accepted).toBe(JOBS);
    const { state } = await waitPaused(dayKey);
    expect(state!.limit).toBe(budget);
    await check("budget/feature daily 40% across 2 pods", batchId, budget, async () => {
      // The workers watch the tiers file and apply the new cap on their next reservation.
      config = { ...config, budgets: { [DAILY_FEATURE]: { dailyUsd: "1000" } } };
      await writeFile(configPath, stringify(config));
      await waitFor(
        () => guard.reserve(guard.scopesFor({ batchId: "probe", feature: DAILY_FEATURE }), 0n),
        () => true,
      );
      await promoteAll();
    });
  });
});
