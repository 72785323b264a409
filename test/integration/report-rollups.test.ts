import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { latencyBucket, LATENCY_BOUNDS_MS } from "../../src/report/query/latency-histogram.js";
import { openReportTestDatabase, type ReportTestDatabase } from "../helpers/report/databases.js";
import { finishRequests, generateLedger, insertAttempts, insertRequests } from "../helpers/report/ledger-fixtures.js";
import {
  naiveAttemptBatchDaily,
  naiveAttemptDaily,
  naiveHistogram,
  naiveRequestBatchDaily,
  naiveRequestDaily,
  nonZeroEmptiedRequestRows,
  rollupAttemptBatchDaily,
  rollupAttemptDaily,
  rollupHistogram,
  rollupRequestBatchDaily,
  rollupRequestDaily,
} from "../helpers/report/naive-queries.js";

/** Every rollup, row for row, against the naive GROUP BY over the raw tables. */
async function expectRollupsMatchRawRows(target: ReportTestDatabase) {
  const db = target.database.db;
  expect(await rollupAttemptDaily(db)).toEqual(await naiveAttemptDaily(db));
  expect(await rollupAttemptBatchDaily(db)).toEqual(await naiveAttemptBatchDaily(db));
  expect(await rollupHistogram(db)).toEqual(await naiveHistogram(db));
  expect(await rollupRequestDaily(db)).toEqual(await naiveRequestDaily(db));
  expect(await rollupRequestBatchDaily(db)).toEqual(await naiveRequestBatchDaily(db));
  expect(await nonZeroEmptiedRequestRows(db)).toEqual([]);
}

describe.each(["postgres", "pglite"] as const)("rollups maintained by the triggers (%s)", (kind) => {
  let target: ReportTestDatabase;
  beforeAll(async () => {
    target = await openReportTestDatabase(kind);
  });
  afterAll(() => target?.drop());

  it("equal a naive GROUP BY over the raw rows after the ledger writer's inserts and updates", async () => {
    const generated = await generateLedger(target.database.db, { seed: 42, requests: kind === "postgres" ? 600 : 250, batchPrefix: "gen" });
    const [counts] = await queryRows<{ attempts: string; in_default: string; finished: string }>(
      target.database.db,
      sql`select (select count(*) from attempts)::text as attempts, (select count(*) from attempts_default)::text as in_default,
            (select count(*) from requests where status <> 'queued')::text as finished`,
    );
    expect(Number(counts!.attempts)).toBe(generated.attempts);
    expect(Number(counts!.in_default)).toBeGreaterThan(0); // months with no partition still count
    expect(Number(counts!.finished)).toBe(generated.requests);
    await expectRollupsMatchRawRows(target);
  });

  it("carries corrections of cost, tokens and latency into the rollups, and ignores updates of other columns", async () => {
    const db = target.database.db;
    await db.execute(
      sql`update attempts set cost_usd = cost_usd * 2 + 0.000000000001, latency_ms = latency_ms + 1234, output_tokens = output_tokens + 7
          where outcome <> 'error' and attempt_no = 1 and request_id like 'gen-r1%'`,
    );
    await db.execute(sql`update attempts set http_status = 503 where outcome = 'error' and request_id like 'gen-r2%'`);
    await db.execute(sql`update requests set result = 'corrected', error = null where id like 'gen-r3%'`);
    await db.execute(sql`update requests set cost_usd = cost_usd + 1, escalations = escalations + 1 where id like 'gen-r4%'`);
    await expectRollupsMatchRawRows(target);
  });

  it("refuses an attempt update that would move a call to another rollup row", async () => {
    const db = target.database.db;
    await expect(db.execute(sql`update attempts set model = 'gpt-6' where request_id = 'gen-r1'`)).rejects.toThrow();
    // error_type keys the per-batch rollup (--by error_type) since migration 0004.
    await expect(db.execute(sql`update attempts set error_type = 'reclassified' where request_id = 'gen-r1'`)).rejects.toThrow();
    await expect(
      db.execute(sql`update attempts set started_at = started_at + interval '2 days' where request_id = 'gen-r1'`),
    ).rejects.toThrow();
    await expectRollupsMatchRawRows(target);
  });

  it("moves a request out of its queued group exactly once, whatever the ledger writer retries", async () => {
    const db = target.database.db;
    await insertRequests(db, [{ id: "once-1", batchId: "once", feature: "f", createdAt: "2026-11-03T10:00:00Z" }]);
    const finish = {
      id: "once-1",
      status: "succeeded" as const,
      initialTier: "cheap",
      finalTier: "cheap",
      escalations: 0,
      attemptCount: 1,
      costUsd: "0.5",
      baselineCostUsd: "1",
    };
    await finishRequests(db, [finish]);
    await finishRequests(db, [{ ...finish, status: "failed", costUsd: "9" }]); // a redelivery: where status = 'queued' matches nothing
    const rows = await queryRows<{ status: string; requests: string; cost_usd: string }>(
      db,
      sql`select status, requests::text, cost_usd::text from request_rollup_batch_daily where batch_id = 'once' order by status`,
    );
    expect(rows).toEqual([
      { status: "queued", requests: "0", cost_usd: "0.000000000000" },
      { status: "succeeded", requests: "1", cost_usd: "0.500000000000" },
    ]);
    await expectRollupsMatchRawRows(target);
  });

  it("counts each request once per group even when its calls arrive out of order or a rerun repeats attempt numbers", async () => {
    const db = target.database.db;
    await insertRequests(db, [{ id: "odd-1", batchId: "odd", feature: null, createdAt: "2026-11-04T09:00:00Z" }]);
    const call = (attemptNo: number, model: string, provider: string, outcome: "ok" | "error", startedAt: string) => ({
      id: randomUUID(),
      requestId: "odd-1",
      attemptNo,
      tier: "cheap",
      provider,
      model,
      outcome,
      latencyMs: 100,
      costUsd: outcome === "ok" ? "0.001" : "0",
      startedAt,
    });
    await insertAttempts(db, [call(2, "claude-haiku-4-5", "anthropic", "error", "2026-11-04T09:00:05Z")]);
    await insertAttempts(db, [call(1, "gpt-5-mini", "openai", "error", "2026-11-04T09:00:01Z")]);
    // A rerun after a shutdown starts numbering again: attempt 1 twice, in one statement with a later call.
    await insertAttempts(db, [
      call(1, "gpt-5-mini", "openai", "error", "2026-11-04T09:01:00Z"),
      call(2, "claude-haiku-4-5", "anthropic", "ok", "2026-11-04T09:01:02Z"),
    ]);
    const [counts] = await queryRows<Record<string, string>>(
      db,
      sql`select sum(requests)::text as requests, sum(tier_requests)::text as tier_requests, sum(provider_requests)::text as provider_requests,
            sum(model_requests)::text as model_requests, sum(tier_provider_requests)::text as tier_provider_requests,
            sum(tier_model_requests)::text as tier_model_requests, sum(calls)::text as calls
          from attempt_rollup_batch_daily where batch_id = 'odd'`,
    );
    // One request; two providers; two models; one tier.
    expect(counts).toEqual({
      requests: "1",
      tier_requests: "1",
      provider_requests: "2",
      model_requests: "2",
      tier_provider_requests: "2",
      tier_model_requests: "2",
      calls: "4",
    });
  });

  it("buckets latencies exactly as the TypeScript histogram does", async () => {
    const samples = [0, 1, 2, 7, 8, 9, 10, 11, 999, 1_000, 1_024, 29_999, 1_048_575, 1_048_576, 5_000_000];
    const rows = await queryRows<{ ms: number; bucket: number }>(
      target.database.db,
      sql`select ms, latency_bucket(ms) as bucket from unnest(${`{${samples.join(",")}}`}::int[]) as ms`,
    );
    expect(rows.map((row) => Number(row.bucket))).toEqual(samples.map(latencyBucket));
    const [bounds] = await queryRows<{ bounds: string }>(target.database.db, sql`select latency_hist_bounds()::text as bounds`);
    expect(bounds!.bounds).toBe(`{${LATENCY_BOUNDS_MS.join(",")}}`);
  });
});
