import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";
import { classifyJobs, fakeBilledItems, laneConfig } from "../helpers/batch-lane.js";

interface LaneRow {
  lane: string;
  model: string;
  outcome: string;
  n: number;
}

describe("the batch lane", () => {
  let pipeline: TestPipeline | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it("sends jobs with a deadline through the provider batch API: one attempt per item, lane batch, every request ended once", async () => {
    pipeline = await startTestPipeline({ config: laneConfig(), scenario: { seed: 3, models: { "*": { batchLatencyMs: 100 } } } });
    const { batchId } = await pipeline.producer.enqueueJobs(classifyJobs(30, "dl", { deadline: "6h" }), { batchName: "deadline" });
    const status = await pipeline.waitForBatch(batchId);
    expect(status.done).toBe(true);
    const db = pipeline.testDb.database.db;
    const rows = await queryRows<LaneRow>(
      db,
      sql`select lane, model, outcome, count(*)::int as n from attempts group by 1, 2, 3 order by 1, 2, 3`,
    );
    expect(rows).toEqual([{ lane: "batch", model: "gpt-5-mini", outcome: "ok", n: 30 }]);
    const requests = await queryRows<{ status: string; n: number }>(db, sql`select status, count(*)::int as n from requests group by 1`);
    expect(requests).toEqual([{ status: "succeeded", n: 30 }]);
    const billed = await fakeBilledItems(pipeline.fake.url);
    const batchRows = rows.filter((row) => row.outcome === "ok" || row.outcome === "invalid").reduce((sum, row) => sum + row.n, 0);
    expect(batchRows).toBe(billed);
    const submissions = await queryRows<{ state: string; n: number }>(
      db,
      sql`select state, count(*)::int as n from provider_batches group by 1`,
    );
    expect(submissions).toEqual([{ state: "ended", n: expect.any(Number) }]);
  });

  it("runs the same error-free jobs real time and with a deadline: the batch lane costs exactly half, to the picodollar", async () => {
    pipeline = await startTestPipeline({
      config: laneConfig(),
      scenario: { seed: 4, models: { "*": { batchLatencyMs: 50, outputTokens: 7 } } },
    });
    const db = pipeline.testDb.database.db;
    for (const model of ["gpt-5-mini", "claude-haiku-4-5"]) {
      const realtime = await pipeline.producer.enqueueJobs(classifyJobs(12, `rt-${model}`, { model }), { batchName: `rt-${model}` });
      await pipeline.waitForBatch(realtime.batchId);
      const laned = await pipeline.producer.enqueueJobs(classifyJobs(12, `bl-${model}`, { model, deadline: "2h" }), {
        batchName: `bl-${model}`,
      });
      await pipeline.waitForBatch(laned.batchId);
      const [sums] = await queryRows<{ realtime: string; batch: string; rt_n: number; b_n: number }>(
        db,
        sql`select
              sum(cost_usd) filter (where lane = 'realtime')::text as realtime, sum(cost_usd) filter (where lane = 'batch')::text as batch,
              count(*) filter (where lane = 'realtime')::int as rt_n, count(*) filter (where lane = 'batch')::int as b_n
            from attempts where model = ${model}`,
      );
      expect(sums!.rt_n).toBe(12);
      expect(sums!.b_n).toBe(12);
      // numeric arithmetic in SQL: exact to the picodollar (12 decimals).
      const [check] = await queryRows<{ half: string }>(db, sql`select (${sums!.realtime}::numeric / 2)::numeric(20, 12)::text as half`);
      expect(sums!.batch).toBe(check!.half);
    }
  });
});
