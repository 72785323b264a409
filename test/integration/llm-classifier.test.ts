import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { mixedJobs } from "../helpers/jobs.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";

interface RoutedRow {
  id: string;
  classifier: string;
  routing_reason: string;
  initial_tier: string;
  cost_usd: string;
  attempt_count: number;
  router_calls: string;
  router_cost: string;
  tier_cost: string;
}

const routedRows = (pipeline: TestPipeline, batchId: string) =>
  queryRows<RoutedRow>(
    pipeline.testDb.database.db,
    sql`select r.id, r.classifier, r.routing_reason, r.initial_tier, r.cost_usd::text, r.attempt_count,
          count(a.id) filter (where a.tier = 'router')::text as router_calls,
          coalesce(sum(a.cost_usd) filter (where a.tier = 'router'), 0)::text as router_cost,
          coalesce(sum(a.cost_usd) filter (where a.tier <> 'router'), 0)::text as tier_cost
        from requests r left join attempts a on a.request_id = r.id
        where r.batch_id = ${batchId} group by r.id`,
  );

describe("the llm and hybrid classifier modes, against the fake provider", () => {
  let pipeline: TestPipeline;
  afterAll(() => pipeline?.close());

  describe("llm", () => {
    beforeAll(async () => {
      pipeline = await startTestPipeline({ config: testConfig({ routing: { classifier: "llm" } }) });
    });

    it("asks the cheapest model for a tier, and records and prices that call as part of the request", async () => {
      const { batchId } = await pipeline.producer.enqueueJobs(mixedJobs(20, "llm"), { batchName: "llm" });
      await pipeline.waitForBatch(batchId);
      const rows = await routedRows(pipeline, batchId);
      expect(rows).toHaveLength(20);
      for (const row of rows) {
        expect(row.classifier).toBe("llm");
        expect(row.routing_reason).toMatch(/^llm \(gpt-5-mini\): .* → (cheap|balanced|premium)/);
        expect(Number(row.router_calls)).toBe(1);
        expect(Number(row.router_cost)).toBeGreaterThan(0);
        // The request's cost includes the cost of deciding, to the picodollar.
        expect((Number(row.router_cost) + Number(row.tier_cost)).toFixed(12)).toBe(Number(row.cost_usd).toFixed(12));
      }
      const [numbering] = await queryRows<{ first: string }>(
        pipeline.testDb.database.db,
        sql`select count(*)::text as first from attempts a join requests r on r.id = a.request_id
            where r.batch_id = ${batchId} and a.tier = 'router' and a.attempt_no = 1`,
      );
      expect(Number(numbering!.first)).toBe(20);
    });

    it("falls back to the score's decision when the answer is unusable, and still records the call", async () => {
      pipeline.fake.setScenario({ seed: 2, models: { "gpt-5-mini": { invalidRate: 1 } } });
      const { batchId } = await pipeline.producer.enqueueJobs(mixedJobs(5, "llm-bad"), { batchName: "llm-bad" });
      await pipeline.waitForBatch(batchId);
      const rows = await routedRows(pipeline, batchId);
      for (const row of rows) {
        expect(row.classifier).toBe("heuristic");
        expect(row.routing_reason).toMatch(/llm classifier fell back/);
        expect(Number(row.router_calls)).toBe(1);
        expect(Number(row.router_cost)).toBeGreaterThan(0);
      }
    });
  });

  describe("hybrid", () => {
    it("asks only for scores near a threshold", async () => {
      await pipeline?.close();
      // A margin of 0 asks for nothing but exact boundary scores; 0.5 asks for everything.
      for (const [margin, expectLlm] of [
        [0, false],
        [0.5, true],
      ] as const) {
        pipeline = await startTestPipeline({ config: testConfig({ routing: { classifier: "hybrid", hybridMargin: margin } }) });
        const { batchId } = await pipeline.producer.enqueueJobs(mixedJobs(10, `hybrid-${margin}`), { batchName: "hybrid" });
        await pipeline.waitForBatch(batchId);
        const rows = await routedRows(pipeline, batchId);
        expect(rows.every((row) => (row.classifier === "llm") === expectLlm)).toBe(true);
        expect(rows.every((row) => Number(row.router_calls) === (expectLlm ? 1 : 0))).toBe(true);
        if (!expectLlm) await pipeline.close();
      }
    });
  });
});
