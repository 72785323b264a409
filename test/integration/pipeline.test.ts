import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { mixedJobs } from "../helpers/jobs.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";

describe("a mixed batch through every stage", () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline({
      scenario: {
        seed: 3,
        models: {
          "*": { latencyMs: 2 },
          "gpt-5-mini": { errors: { "529": 0.2, "429": 0.1 }, invalidRate: 0.1 },
          "claude-haiku-4-5": { errors: { "500": 0.1 } },
        },
      },
    });
  });
  afterAll(() => pipeline?.close());

  it("ends every job exactly once, records every call with its price, and sums costs exactly", async () => {
    const jobs = mixedJobs(120, "mixed");
    const report = await pipeline.producer.enqueueJobs(jobs, { batchName: "mixed" });
    expect(report).toMatchObject({ accepted: 120, duplicates: 0, rejected: [] });

    const status = await pipeline.waitForBatch(report.batchId);
    expect(status.jobs).toBe(120);
    expect(status.succeeded + status.failed).toBe(120);

    const db = pipeline.testDb.database.db;
    const [counts] = await queryRows<{ requests: string; attempts: string; unpriced_ok: string }>(
      db,
      sql`select (select count(*) from requests where batch_id = ${report.batchId})::text as requests,
                 (select count(*) from attempts)::text as attempts,
                 (select count(*) from attempts where outcome = 'ok' and cost_usd <= 0)::text as unpriced_ok`,
    );
    expect(Number(counts!.requests)).toBe(120);
    // Every HTTP call the provider saw is one attempts row: none lost, none doubled.
    expect(Number(counts!.attempts)).toBe(pipeline.fake.stats().totalCalls);
    expect(Number(counts!.unpriced_ok)).toBe(0);

    // A request's cost is exactly the sum of its attempts' costs, and its attempt_count their number.
    const mismatched = await queryRows<{ id: string }>(
      db,
      sql`select r.id from requests r left join attempts a on a.request_id = r.id
          group by r.id, r.cost_usd, r.attempt_count
          having r.cost_usd <> coalesce(sum(a.cost_usd), 0) or r.attempt_count <> count(a.id)`,
    );
    expect(mismatched).toEqual([]);

    // Each succeeded request carries a routing decision, a final model, and a result.
    const incomplete = await queryRows<{ id: string }>(
      db,
      sql`select id from requests where status = 'succeeded'
          and (initial_tier is null or final_model is null or result is null or routing_reason is null or classifier is null)`,
    );
    expect(incomplete).toEqual([]);
    // The hard prompts were routed above the cheap tier by the heuristics.
    const [hard] = await queryRows<{ tiers: string[] }>(
      db,
      sql`select array_agg(distinct initial_tier) as tiers from requests where feature = 'analysis'`,
    );
    expect(hard!.tiers).not.toContain("cheap");
  });
});
