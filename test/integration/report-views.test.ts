import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Db } from "../../src/ledger/db/database.js";
import { bucketEstimate, latencyBucket } from "../../src/report/query/latency-histogram.js";
import { openReportTestDatabase, type ReportTestDatabase } from "../helpers/report/databases.js";
import { finishRequests, insertAttempts, insertRequests, type AttemptRow } from "../helpers/report/ledger-fixtures.js";

/**
 * A hand-made ledger small enough to work out every view's answer on paper:
 *   r1 alpha/triage  11-01  cheap: gpt-5-mini ok                                         cost .001   baseline .010
 *   r2 alpha/triage  11-01  cheap: gpt-5-mini 429, haiku ok (a fallback)                cost .002   baseline .020
 *   r3 alpha/triage  11-01  cheap: gpt-5-mini invalid, haiku invalid → balanced sonnet ok cost .0075  baseline .012
 *   r4 beta/digest   11-02  balanced: sonnet invalid → premium opus invalid, gpt-5.2 invalid: failed
 *                                                                                       cost .034   baseline .020
 *   r5 beta/(none)   11-02  still queued
 *   r6 beta/digest   11-02 23:59:50, its call on 11-03: cheap gpt-5-mini ok               cost .003   baseline .030
 */
const call = (
  requestId: string,
  attemptNo: number,
  tier: string,
  provider: string,
  model: string,
  outcome: AttemptRow["outcome"],
  costUsd: string,
  latencyMs: number,
  startedAt: string,
): AttemptRow => ({
  requestId,
  attemptNo,
  tier,
  provider,
  model,
  outcome,
  costUsd,
  latencyMs,
  startedAt,
  inputTokens: outcome === "error" ? 0 : 1000,
  outputTokens: outcome === "error" ? 0 : 100,
});

async function loadHandMadeLedger(db: Db) {
  await insertRequests(db, [
    { id: "r1", batchId: "alpha", feature: "triage", createdAt: "2026-11-01T10:00:00Z" },
    { id: "r2", batchId: "alpha", feature: "triage", createdAt: "2026-11-01T11:00:00Z" },
    { id: "r3", batchId: "alpha", feature: "triage", createdAt: "2026-11-01T12:00:00Z" },
    { id: "r4", batchId: "beta", feature: "digest", createdAt: "2026-11-02T09:00:00Z" },
    { id: "r5", batchId: "beta", feature: null, createdAt: "2026-11-02T10:00:00Z" },
    { id: "r6", batchId: "beta", feature: "digest", createdAt: "2026-11-02T23:59:50Z" },
  ]);
  await insertAttempts(db, [
    call("r1", 1, "cheap", "openai", "gpt-5-mini", "ok", "0.001", 400, "2026-11-01T10:00:01Z"),
    call("r2", 1, "cheap", "openai", "gpt-5-mini", "error", "0", 100, "2026-11-01T11:00:01Z"),
    call("r2", 2, "cheap", "anthropic", "claude-haiku-4-5", "ok", "0.002", 600, "2026-11-01T11:00:02Z"),
    call("r3", 1, "cheap", "openai", "gpt-5-mini", "invalid", "0.0005", 800, "2026-11-01T12:00:01Z"),
    call("r3", 2, "cheap", "anthropic", "claude-haiku-4-5", "invalid", "0.001", 900, "2026-11-01T12:00:02Z"),
  ]);
  // The next tiers' calls, in later statements, as a worker writes them.
  await insertAttempts(db, [
    call("r3", 3, "balanced", "anthropic", "claude-sonnet-4-6", "ok", "0.006", 2000, "2026-11-01T12:00:05Z"),
    call("r4", 1, "balanced", "anthropic", "claude-sonnet-4-6", "invalid", "0.004", 3000, "2026-11-02T09:00:01Z"),
  ]);
  await insertAttempts(db, [
    call("r4", 2, "premium", "anthropic", "claude-opus-4-7", "invalid", "0.02", 6000, "2026-11-02T09:00:05Z"),
    call("r4", 3, "premium", "openai", "gpt-5.2", "invalid", "0.01", 5000, "2026-11-02T09:00:12Z"),
    call("r6", 1, "cheap", "openai", "gpt-5-mini", "ok", "0.003", 500, "2026-11-03T00:00:05Z"),
  ]);
  const ok = (
    id: string,
    initialTier: string,
    finalTier: string,
    provider: string,
    model: string,
    escalations: number,
    attemptCount: number,
    costUsd: string,
    baselineCostUsd: string,
  ) => ({
    id,
    status: "succeeded" as const,
    initialTier,
    finalTier,
    finalProvider: provider,
    finalModel: model,
    escalations,
    attemptCount,
    costUsd,
    baselineCostUsd,
  });
  await finishRequests(db, [
    ok("r1", "cheap", "cheap", "openai", "gpt-5-mini", 0, 1, "0.001", "0.010"),
    ok("r2", "cheap", "cheap", "anthropic", "claude-haiku-4-5", 0, 2, "0.002", "0.020"),
    ok("r3", "cheap", "balanced", "anthropic", "claude-sonnet-4-6", 1, 3, "0.0075", "0.012"),
  ]);
  await finishRequests(db, [
    {
      id: "r4",
      status: "failed",
      initialTier: "balanced",
      finalTier: "premium",
      escalations: 1,
      attemptCount: 3,
      costUsd: "0.034",
      baselineCostUsd: "0.020",
    },
    ok("r6", "cheap", "cheap", "openai", "gpt-5-mini", 0, 1, "0.003", "0.030"),
  ]);
}

describe.each(["postgres", "pglite"] as const)("report views on a hand-made ledger (%s)", (kind) => {
  let target: ReportTestDatabase;
  let db: Db;
  const rows = (query: string) => queryRows<Record<string, string | null>>(db, sql.raw(query));

  beforeAll(async () => {
    target = await openReportTestDatabase(kind);
    db = target.database.db;
    await loadHandMadeLedger(db);
  });
  afterAll(() => target?.drop());

  it("cost, calls and requests by day", async () => {
    expect(
      await rows(`select day::text, requests::text, calls::text, failed_calls::text, cost_usd::text, wasted_cost_usd::text
                       from report_cost_by_day order by day`),
    ).toEqual([
      { day: "2026-11-01", requests: "3", calls: "6", failed_calls: "3", cost_usd: "0.010500000000", wasted_cost_usd: "0.001500000000" },
      { day: "2026-11-02", requests: "1", calls: "3", failed_calls: "3", cost_usd: "0.034000000000", wasted_cost_usd: "0.034000000000" },
      { day: "2026-11-03", requests: "1", calls: "1", failed_calls: "0", cost_usd: "0.003000000000", wasted_cost_usd: "0.000000000000" },
    ]);
  });

  it("by tier, model and provider, requests counted once per group however many calls", async () => {
    expect(
      await rows(`select tier, sum(requests)::text as requests, sum(calls)::text as calls, sum(cost_usd)::text as cost
                       from report_cost_by_tier group by tier order by tier collate "C"`),
    ).toEqual([
      { tier: "balanced", requests: "2", calls: "2", cost: "0.010000000000" },
      { tier: "cheap", requests: "4", calls: "6", cost: "0.007500000000" },
      { tier: "premium", requests: "1", calls: "2", cost: "0.030000000000" },
    ]);
    expect(
      await rows(`select provider, model, sum(requests)::text as requests, sum(calls)::text as calls, sum(cost_usd)::text as cost,
                         sum(input_tokens)::text as input_tokens
                       from report_cost_by_model group by 1, 2 order by provider collate "C", model collate "C"`),
    ).toEqual([
      { provider: "anthropic", model: "claude-haiku-4-5", requests: "2", calls: "2", cost: "0.003000000000", input_tokens: "2000" },
      { provider: "anthropic", model: "claude-opus-4-7", requests: "1", calls: "1", cost: "0.020000000000", input_tokens: "1000" },
      { provider: "anthropic", model: "claude-sonnet-4-6", requests: "2", calls: "2", cost: "0.010000000000", input_tokens: "2000" },
      { provider: "openai", model: "gpt-5-mini", requests: "4", calls: "4", cost: "0.004500000000", input_tokens: "3000" },
      { provider: "openai", model: "gpt-5.2", requests: "1", calls: "1", cost: "0.010000000000", input_tokens: "1000" },
    ]);
    expect(
      await rows(`select provider, sum(requests)::text as requests, sum(calls)::text as calls, sum(cost_usd)::text as cost
                       from report_cost_by_provider group by 1 order by provider collate "C"`),
    ).toEqual([
      { provider: "anthropic", requests: "3", calls: "5", cost: "0.033000000000" },
      { provider: "openai", requests: "5", calls: "5", cost: "0.014500000000" },
    ]);
  });

  it("by feature and by batch", async () => {
    expect(
      await rows(`select feature, sum(requests)::text as requests, sum(calls)::text as calls, sum(cost_usd)::text as cost
                       from report_cost_by_feature group by 1 order by feature collate "C"`),
    ).toEqual([
      { feature: "digest", requests: "2", calls: "4", cost: "0.037000000000" },
      { feature: "triage", requests: "3", calls: "6", cost: "0.010500000000" },
    ]);
    expect(
      await rows(`select batch_id, batch_name, sum(requests)::text as requests, sum(calls)::text as calls, sum(cost_usd)::text as cost
                       from report_cost_by_batch group by 1, 2 order by batch_id collate "C"`),
    ).toEqual([
      { batch_id: "alpha", batch_name: "batch alpha", requests: "3", calls: "6", cost: "0.010500000000" },
      { batch_id: "beta", batch_name: "batch beta", requests: "2", calls: "4", cost: "0.037000000000" },
    ]);
  });

  it("requests by the day they were created: outcomes, escalations, cost against the baseline", async () => {
    expect(
      await rows(`select day::text, feature, requests::text, succeeded::text, failed::text, queued::text, escalated::text,
                         cost_usd::text, baseline_cost_usd::text, savings_usd::text
                       from report_requests_daily order by day, feature collate "C"`),
    ).toEqual([
      {
        day: "2026-11-01",
        feature: "triage",
        requests: "3",
        succeeded: "3",
        failed: "0",
        queued: "0",
        escalated: "1",
        cost_usd: "0.010500000000",
        baseline_cost_usd: "0.042000000000",
        savings_usd: "0.031500000000",
      },
      {
        day: "2026-11-02",
        feature: "(none)",
        requests: "1",
        succeeded: "0",
        failed: "0",
        queued: "1",
        escalated: "0",
        cost_usd: "0.000000000000",
        baseline_cost_usd: "0.000000000000",
        savings_usd: "0.000000000000",
      },
      {
        day: "2026-11-02",
        feature: "digest",
        requests: "2",
        succeeded: "1",
        failed: "1",
        queued: "0",
        escalated: "1",
        cost_usd: "0.037000000000",
        baseline_cost_usd: "0.050000000000",
        savings_usd: "0.013000000000",
      },
    ]);
  });

  it("routing distribution: share of finished requests by first and by last tier", async () => {
    expect(
      await rows(`select tier, initial_requests::text, initial_percent::text, final_requests::text, final_percent::text
                       from report_routing_distribution order by tier collate "C"`),
    ).toEqual([
      { tier: "balanced", initial_requests: "1", initial_percent: "20.00", final_requests: "1", final_percent: "20.00" },
      { tier: "cheap", initial_requests: "4", initial_percent: "80.00", final_requests: "3", final_percent: "60.00" },
      { tier: "premium", initial_requests: "0", initial_percent: "0.00", final_requests: "1", final_percent: "20.00" },
    ]);
  });

  it("escalation, failure and fallback rates", async () => {
    expect(
      await rows(`select finished::text, escalated::text, escalation_percent::text, failed::text, failure_percent::text,
                         answers::text, fallback_answers::text, fallback_percent::text from report_rates`),
    ).toEqual([
      {
        finished: "5",
        escalated: "2",
        escalation_percent: "40.00",
        failed: "1",
        failure_percent: "20.00",
        answers: "4",
        fallback_answers: "1",
        fallback_percent: "25.00",
      },
    ]);
    expect(
      await rows(`select day::text, tier, answers::text, fallback_answers::text, fallback_percent::text
                       from report_fallback_daily order by day, tier collate "C"`),
    ).toEqual([
      { day: "2026-11-01", tier: "balanced", answers: "1", fallback_answers: "0", fallback_percent: "0.00" },
      { day: "2026-11-01", tier: "cheap", answers: "2", fallback_answers: "1", fallback_percent: "50.00" },
      { day: "2026-11-02", tier: "balanced", answers: "0", fallback_answers: "0", fallback_percent: null },
      { day: "2026-11-02", tier: "premium", answers: "0", fallback_answers: "0", fallback_percent: null },
      { day: "2026-11-03", tier: "cheap", answers: "1", fallback_answers: "0", fallback_percent: "0.00" },
    ]);
  });

  it("savings against the all-top-tier baseline, in dollars and percent", async () => {
    expect(
      await rows(
        `select requests::text, cost_usd::text, baseline_cost_usd::text, savings_usd::text, savings_percent::text from report_savings`,
      ),
    ).toEqual([
      {
        requests: "5",
        cost_usd: "0.047500000000",
        baseline_cost_usd: "0.092000000000",
        savings_usd: "0.044500000000",
        savings_percent: "48.37",
      },
    ]);
  });

  it("wasted spend: calls that gave no answer", async () => {
    expect(
      await rows(`select tier, model, sum(calls_without_answer)::text as calls, sum(wasted_cost_usd)::text as wasted, sum(cost_usd)::text as cost
                       from report_wasted_spend_daily group by 1, 2 order by tier collate "C", model collate "C"`),
    ).toEqual([
      { tier: "balanced", model: "claude-sonnet-4-6", calls: "1", wasted: "0.004000000000", cost: "0.010000000000" },
      { tier: "cheap", model: "claude-haiku-4-5", calls: "1", wasted: "0.001000000000", cost: "0.003000000000" },
      { tier: "cheap", model: "gpt-5-mini", calls: "2", wasted: "0.000500000000", cost: "0.004500000000" },
      { tier: "premium", model: "claude-opus-4-7", calls: "1", wasted: "0.020000000000", cost: "0.020000000000" },
      { tier: "premium", model: "gpt-5.2", calls: "1", wasted: "0.010000000000", cost: "0.010000000000" },
    ]);
  });

  it("latency percentiles per tier and model, from the histograms and exactly from the raw calls", async () => {
    const estimate = (ms: number) => bucketEstimate(latencyBucket(ms)).toFixed(1);
    // cheap: 100, 400, 500, 600, 800, 900 ms. Nearest rank: p50 = the 3rd (500), p95 and p99 = the 6th (900).
    expect(
      await rows(
        `select tier, model, calls::text, p50_ms::text, p95_ms::text, p99_ms::text from report_latency() where model is null order by tier collate "C"`,
      ),
    ).toEqual([
      { tier: "balanced", model: null, calls: "2", p50_ms: estimate(2000), p95_ms: estimate(3000), p99_ms: estimate(3000) },
      { tier: "cheap", model: null, calls: "6", p50_ms: estimate(500), p95_ms: estimate(900), p99_ms: estimate(900) },
      { tier: "premium", model: null, calls: "2", p50_ms: estimate(5000), p95_ms: estimate(6000), p99_ms: estimate(6000) },
    ]);
    expect(estimate(500)).toBe("469.3"); // the bucket [431, 512) ms: 6% under the exact 500
    expect(
      await rows(`select p50_ms::text, p95_ms::text from report_latency_daily where day = '2026-11-01' and model = 'gpt-5-mini'`),
    ).toEqual([{ p50_ms: estimate(400), p95_ms: estimate(800) }]);
    expect(
      await rows(`select p50_ms::text, p95_ms::text from report_latency('2026-11-03', '2026-11-04') where model = 'gpt-5-mini'`),
    ).toEqual([{ p50_ms: estimate(500), p95_ms: estimate(500) }]);
    // percentile_cont interpolates: p50 of the six cheap calls is halfway between 500 and 600.
    expect(
      await rows(`select calls::text, p50_ms::text, p95_ms::text, p99_ms::text
                       from report_latency_exact('2026-11-01', '2026-11-04') where tier = 'cheap' and model is null`),
    ).toEqual([{ calls: "6", p50_ms: "550", p95_ms: "875", p99_ms: "895" }]);
  });
});
