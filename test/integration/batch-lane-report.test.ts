import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { parseUsd } from "../../src/pricing/money.js";
import { runCli } from "../helpers/cli-process.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";
import { classifyJobs, laneConfig } from "../helpers/batch-lane.js";

const JOBS = 10;

interface LaneReportRow {
  group: { lane: string };
  calls: number;
  costUsd: string;
}

/** `report --by lane` and the summary's batch-lane line, on a ledger with both lanes, as a user runs them. */
describe("report --by lane", () => {
  let pipeline: TestPipeline | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it("one row per lane with the ledger's exact cost; the summary's batch lane line = real-time price minus batch cost", async () => {
    pipeline = await startTestPipeline({
      config: laneConfig({ cheapModels: [{ provider: "openai", model: "gpt-5-mini", timeoutMs: 2000 }] }),
      scenario: { seed: 7, models: { "*": { batchLatencyMs: 20, outputTokens: 7 } } },
    });
    const realtime = await pipeline.producer.enqueueJobs(classifyJobs(JOBS, "rt"), { batchName: "realtime" });
    await pipeline.waitForBatch(realtime.batchId);
    const laned = await pipeline.producer.enqueueJobs(classifyJobs(JOBS, "bl", { deadline: "2h" }), { batchName: "laned" });
    await pipeline.waitForBatch(laned.batchId);
    const db = pipeline.testDb.database.db;
    const ledger = await queryRows<{ lane: string; calls: number; cost: string; realtime: string | null }>(
      db,
      sql`select lane, count(*)::int as calls, sum(cost_usd)::text as cost, sum(realtime_cost_usd)::text as realtime
          from attempts group by 1 order by 1`,
    );
    expect(ledger.map((row) => [row.lane, row.calls])).toEqual([
      ["batch", JOBS],
      ["realtime", JOBS],
    ]);
    const [saved] = await queryRows<{ saved: string }>(
      db,
      sql`select (${ledger[0]!.realtime}::numeric - ${ledger[0]!.cost}::numeric)::text as saved`,
    );

    const env = { DATABASE_URL: pipeline.testDb.url, LOG_LEVEL: "warn" };
    const json = await runCli(["report", "--by", "lane", "--format", "json"], env);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as {
      rows: LaneReportRow[];
      summary: { batchLane?: { items: number; costUsd: string; realtimeCostUsd: string; savedUsd: string } };
    };
    // Compared as picodollars (the report prints trimmed decimals): exact.
    const rows = report.rows
      .map((row) => ({ lane: row.group.lane, calls: row.calls, cost: parseUsd(row.costUsd) }))
      .sort((a, b) => a.lane.localeCompare(b.lane));
    expect(rows).toEqual(ledger.map((row) => ({ lane: row.lane, calls: row.calls, cost: parseUsd(row.cost) })));
    const lane = report.summary.batchLane!;
    expect({
      items: lane.items,
      cost: parseUsd(lane.costUsd),
      realtime: parseUsd(lane.realtimeCostUsd),
      saved: parseUsd(lane.savedUsd),
    }).toEqual({
      items: JOBS,
      cost: parseUsd(ledger[0]!.cost),
      realtime: parseUsd(ledger[0]!.realtime!),
      saved: parseUsd(saved!.saved),
    });
    // Same tokens, half the price: the saving is the batch cost itself.
    expect(parseUsd(saved!.saved)).toBe(parseUsd(ledger[0]!.cost));

    const text = await runCli(["report", "--by", "lane"], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/batch lane: 10 calls cost \$\S+ against \$\S+ in real time; saved \$\S+/);
    expect(text.stdout).toMatch(/^\s*batch\b/m);
    expect(text.stdout).toMatch(/^\s*realtime\b/m);
  });
});
