import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows, type Db } from "../../src/ledger/db/database.js";
import { formatUsd, parseUsd } from "../../src/pricing/money.js";
import { MAX_RELATIVE_ERROR } from "../../src/report/query/latency-histogram.js";
import { buildReport, DIMENSIONS, trimDecimal, type Dimension, type ReportFilters } from "../../src/report/query/report-query.js";
import { openReportTestDatabase, type ReportTestDatabase } from "../helpers/report/databases.js";
import { generateLedger } from "../helpers/report/ledger-fixtures.js";

const ALL_DIMENSIONS = Object.keys(DIMENSIONS) as Dimension[];
/** `lane` is read from the raw ledger only (report-source.ts): every other dimension is kept in the rollups. */
const ROLLUP_DIMENSIONS = ALL_DIMENSIONS.filter((dimension) => dimension !== "lane");
/** Every combination of the six dimensions, the empty one included: 64 reports. */
const EVERY_BY = Array.from({ length: 1 << ROLLUP_DIMENSIONS.length }, (_, mask) =>
  ROLLUP_DIMENSIONS.filter((_, bit) => mask & (1 << bit)),
);

const sumUsd = (values: string[]) => values.reduce((sum, value) => sum + parseUsd(value), 0n);

async function scalar(db: Db, query: ReturnType<typeof sql>): Promise<string> {
  const [row] = await queryRows<{ value: string }>(db, query);
  return row!.value;
}

describe("report numbers", () => {
  let target: ReportTestDatabase;
  let db: Db;
  let batches: string[];
  beforeAll(async () => {
    target = await openReportTestDatabase("postgres");
    db = target.database.db;
    batches = (await generateLedger(db, { seed: 7, requests: 500, batchPrefix: "exact" })).batches;
  });
  afterAll(() => target?.drop());

  it("totals equal the sum of attempt costs exactly, for every --by combination", async () => {
    const attemptsCost = trimDecimal(await scalar(db, sql`select sum(cost_usd)::text as value from attempts`));
    const requestsCost = trimDecimal(await scalar(db, sql`select sum(cost_usd)::text as value from requests`));
    const calls = Number(await scalar(db, sql`select count(*)::text as value from attempts`));
    expect(requestsCost).toBe(attemptsCost);
    for (const by of EVERY_BY) {
      const report = await buildReport(db, by);
      expect(report.source).toBe("rollup");
      expect(formatUsd(sumUsd(report.rows.map((row) => row.costUsd))), `--by ${by.join(",")}`).toBe(formatUsd(parseUsd(attemptsCost)));
      expect(report.rows.reduce((sum, row) => sum + row.calls, 0)).toBe(calls);
      expect(report.summary.costUsd).toBe(attemptsCost);
    }
    // --by lane comes from the raw ledger, and adds up the same.
    for (const by of [["lane"], ["lane", "tier", "model"]] as Dimension[][]) {
      const report = await buildReport(db, by);
      expect(report.source).toBe("raw");
      expect(formatUsd(sumUsd(report.rows.map((row) => row.costUsd))), `--by ${by.join(",")}`).toBe(formatUsd(parseUsd(attemptsCost)));
      expect(report.rows.reduce((sum, row) => sum + row.calls, 0)).toBe(calls);
    }
  });

  it("gives the same rows and summary from the rollups as from the raw ledger, for every --by combination", async () => {
    for (const by of EVERY_BY) {
      const [fromRollups, fromRaw] = await Promise.all([
        buildReport(db, by, {}, { source: "rollup" }),
        buildReport(db, by, {}, { source: "raw" }),
      ]);
      expect(fromRollups.rows, `--by ${by.join(",")}`).toEqual(fromRaw.rows);
      expect(fromRollups.summary).toEqual(fromRaw.summary);
    }
  });

  it("counts distinct requests per group like count(distinct) over the raw calls", async () => {
    const naive = await queryRows<{ tier: string; model: string; requests: string }>(
      db,
      sql`select tier, model, count(distinct request_id)::text as requests from attempts group by 1, 2 order by 1, 2`,
    );
    const report = await buildReport(db, ["tier", "model"]);
    expect(report.rows.map((row) => ({ tier: row.group.tier, model: row.group.model, requests: String(row.requests) }))).toEqual(naive);
    const [overall] = await buildReport(db, []).then((empty) => empty.rows);
    expect(String(overall!.requests)).toBe(await scalar(db, sql`select count(distinct request_id)::text as value from attempts`));
  });

  it("filters by batch and by whole UTC days from the rollups, as the raw ledger would", async () => {
    const filters: ReportFilters[] = [
      { batchId: batches[1] },
      { since: new Date("2026-10-31T00:00:00Z"), until: new Date("2026-11-02T00:00:00Z") },
      { batchId: batches[2], since: new Date("2026-11-01T00:00:00Z") },
      { until: new Date("2026-01-01T00:00:00Z") },
    ];
    for (const filter of filters) {
      for (const by of [["day", "tier"], ["feature", "model"], ["batch"], []] as Dimension[][]) {
        const [fromRollups, fromRaw] = await Promise.all([
          buildReport(db, by, filter, { source: "rollup" }),
          buildReport(db, by, filter, { source: "raw" }),
        ]);
        expect(fromRollups.rows, `${JSON.stringify(filter)} --by ${by.join(",")}`).toEqual(fromRaw.rows);
        expect(fromRollups.summary).toEqual(fromRaw.summary);
      }
    }
    const batchCost = await scalar(
      db,
      sql`select sum(a.cost_usd)::text as value from attempts a join requests r on r.id = a.request_id where r.batch_id = ${batches[1]!}`,
    );
    const report = await buildReport(db, ["model"], { batchId: batches[1] });
    expect(formatUsd(sumUsd(report.rows.map((row) => row.costUsd)))).toBe(formatUsd(parseUsd(batchCost)));
  });

  it("reads the raw ledger, and says so, when --since or --until falls inside a day", async () => {
    const filter = { since: new Date("2026-10-31T12:00:00Z"), until: new Date("2026-11-01T06:30:00Z") };
    const report = await buildReport(db, ["tier"], filter);
    expect(report.source).toBe("raw");
    expect(report.sourceNote).toMatch(/inside a UTC day/);
    const cost = await scalar(
      db,
      sql`select coalesce(sum(cost_usd), 0)::text as value from attempts where started_at >= '2026-10-31T12:00:00Z' and started_at < '2026-11-01T06:30:00Z'`,
    );
    expect(formatUsd(sumUsd(report.rows.map((row) => row.costUsd)))).toBe(formatUsd(parseUsd(cost)));
    await expect(buildReport(db, ["tier"], filter, { source: "rollup" })).rejects.toThrow(/must fall on midnight UTC/);
  });

  it("adds routing, per-day series and latency that agree with the raw ledger", async () => {
    const report = await buildReport(db, ["tier"], {}, { insights: true, tierOrder: ["cheap", "balanced", "premium"] });
    const raw = await buildReport(db, ["tier"], {}, { insights: true, source: "raw", tierOrder: ["cheap", "balanced", "premium"] });
    const insights = report.insights!;
    expect(insights.tiers).toEqual(["cheap", "balanced", "premium"]);
    expect(insights.routing).toEqual(raw.insights!.routing);
    expect(insights.costByDayTier).toEqual(raw.insights!.costByDayTier);
    expect(insights.savingsByDay).toEqual(raw.insights!.savingsByDay);
    const finished = report.summary.succeeded + report.summary.failed;
    expect(insights.routing.reduce((sum, row) => sum + row.initialRequests, 0)).toBe(finished);
    expect(insights.routing.reduce((sum, row) => sum + row.finalRequests, 0)).toBe(finished);
    expect(formatUsd(sumUsd(insights.costByDayTier.map((row) => row.costUsd)))).toBe(formatUsd(parseUsd(report.summary.costUsd)));

    // Histogram percentiles are within the documented error of the exact nearest-rank ones.
    expect(insights.latencyMethod).toBe("histogram");
    expect(raw.insights!.latencyMethod).toBe("exact");
    const exact = [...raw.insights!.latencyByTier, ...raw.insights!.latencyByModel];
    for (const row of [...insights.latencyByTier, ...insights.latencyByModel]) {
      const truth = exact.find((candidate) => candidate.tier === row.tier && candidate.model === row.model)!;
      expect(row.calls).toBe(truth.calls);
      for (const key of ["p50Ms", "p95Ms", "p99Ms"] as const) {
        const error = truth[key] === 0 ? row[key] : Math.abs(row[key] - truth[key]) / truth[key];
        expect(error, `${row.tier} ${row.model ?? ""} ${key}: ${row[key]} vs ${truth[key]}`).toBeLessThanOrEqual(MAX_RELATIVE_ERROR + 1e-9);
      }
    }
  });
});
