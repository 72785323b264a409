import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { promptTokenBound, worstCaseCost } from "../../src/guards/budget-decision.js";
import { createBudgetGuard } from "../../src/guards/budget-guard.js";
import { buildPrompt } from "../../src/jobs/build-prompt.js";
import { jobInputSchema } from "../../src/jobs/job-schema.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { atBatchRate } from "../../src/pricing/batch-rate.js";
import { formatUsd, parseUsd } from "../../src/pricing/money.js";
import { buildPriceBook } from "../../src/pricing/price-book.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";
import { classifyJobs, fakeBilledItems, laneConfig } from "../helpers/batch-lane.js";
import { waitFor } from "../helpers/wait-for.js";

const JOBS = 40;
const MAX_OUTPUT_TOKENS = 16;

/**
 * A batch budget caps deadline jobs too: each batch item reserves its worst case at the batch rate
 * when the tier hands it to the lane and settles to its exact cost when ingested, so the lane stops
 * at the cap (the rest wait, paused on the budget) and what the ledger spent is what the budget spent.
 */
describe("batch lane under a budget", () => {
  let pipeline: TestPipeline | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it("deadline jobs with a batch budget: the lane stops at the cap, spent = the ledger's cost, nothing failed", async () => {
    const config = laneConfig({ cheapModels: [{ provider: "openai", model: "gpt-5-mini", timeoutMs: 2000 }] });
    pipeline = await startTestPipeline({ config, scenario: { seed: 6, models: { "*": { batchLatencyMs: 20, outputTokens: 7 } } } });
    const jobs = classifyJobs(JOBS, "budget", { deadline: "6h", maxOutputTokens: MAX_OUTPUT_TOKENS });
    const rates = buildPriceBook(config).ratesFor("openai", "gpt-5-mini");
    const worst = jobs.map((job) =>
      atBatchRate(worstCaseCost(promptTokenBound(buildPrompt(jobInputSchema.parse(job))), MAX_OUTPUT_TOKENS, rates), 0.5),
    );
    const most = worst.reduce((a, b) => (a > b ? a : b));
    const least = worst.reduce((a, b) => (a < b ? a : b));
    const limit = 4n * most;
    const guard = createBudgetGuard({ redis: pipeline.runtime.redis(), prefix: pipeline.prefix, budgets: () => config.budgets });
    const batchId = "lane-budget-1";
    await guard.setBatchLimit(batchId, limit);
    await pipeline.producer.enqueueJobs(jobs, { batchName: "lane-budget", batchId });
    const db = pipeline.testDb.database.db;

    // Quiet at the cap: nothing reserved, nothing at the provider, too little left for any job's item.
    const state = await waitFor(
      async () => {
        const budget = (await guard.batchState(batchId))!;
        const [open] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from provider_batches where state <> 'ended'`);
        return { budget, open: open!.n };
      },
      ({ budget, open }) => budget.reserved === 0n && open === 0 && budget.remaining < least,
      { what: "the lane to stop at the budget's cap", timeoutMs: 120_000 },
    );
    const [ledger] = await queryRows<{ cost: string; rows: number; realtime: number; succeeded: number; queued: number; failed: number }>(
      db,
      sql`select coalesce(sum(cost_usd), 0)::text as cost, count(*)::int as rows, count(*) filter (where lane = 'realtime')::int as realtime,
            (select count(*)::int from requests where status = 'succeeded') as succeeded,
            (select count(*)::int from requests where status = 'queued') as queued,
            (select count(*)::int from requests where status = 'failed') as failed
          from attempts`,
    );
    console.log(
      `lane budget: limit ${formatUsd(limit)}, item worst case ${formatUsd(least)}..${formatUsd(most)}, spent ${formatUsd(state.budget.spent)}, ` +
        `succeeded ${ledger!.succeeded}, waiting ${ledger!.queued}`,
    );
    expect(state.budget.spent).toBeLessThanOrEqual(limit);
    expect(parseUsd(ledger!.cost)).toBe(state.budget.spent);
    expect(ledger).toMatchObject({ realtime: 0, rows: ledger!.succeeded, failed: 0 });
    expect(ledger!.succeeded).toBeGreaterThan(0);
    expect(ledger!.queued).toBeGreaterThan(0);
    expect(ledger!.succeeded + ledger!.queued).toBe(JOBS);
    expect(ledger!.rows).toBe(await fakeBilledItems(pipeline.fake.url));
  });
});
