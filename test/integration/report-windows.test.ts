import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLedgerWriter } from "../../src/ledger/ledger-writer.js";
import type { AttemptRecord } from "../../src/ledger/records.js";
import { parseUsd } from "../../src/pricing/money.js";
import { ZERO_USAGE } from "../../src/pricing/usage.js";
import { buildReport, ReportError, type Report } from "../../src/report/query/report-query.js";
import { formatReport } from "../../src/report/render/format-report.js";
import { runCli } from "../helpers/cli-process.js";
import { openReportTestDatabase, type ReportTestDatabase } from "../helpers/report/databases.js";
import { finishRequests, insertRequests } from "../helpers/report/ledger-fixtures.js";

/**
 * One small ledger whose edges matter: a request created before the window with a call inside it,
 * a request created inside it with a call after midnight, a failed request that spent money, and
 * an abandoned call. Issue 16 items 2, 9, 10, 11 and 13.
 */
const WINDOW = { since: new Date("2026-03-01T00:00:00Z"), until: new Date("2026-03-03T00:00:00Z") };

function attempt(requestId: string, attemptNo: number, startedAt: string, fields: Partial<AttemptRecord>): AttemptRecord {
  const start = new Date(startedAt);
  return {
    id: crypto.randomUUID(),
    requestId,
    attemptNo,
    tier: "cheap",
    provider: "openai",
    model: "gpt-5-mini",
    outcome: "ok",
    latencyMs: 100,
    usage: { ...ZERO_USAGE, inputTokens: 100, outputTokens: 10 },
    cost: 0n,
    startedAt: start,
    finishedAt: new Date(start.getTime() + 100),
    ...fields,
  };
}

const usd = (text: string) => parseUsd(text);

describe("report windows, savings, possibly billed and the new dimensions", () => {
  let target: ReportTestDatabase;
  beforeAll(async () => {
    target = await openReportTestDatabase("postgres");
    const db = target.database.db;
    await insertRequests(db, [
      { id: "r0", batchId: "b1", feature: "f1", createdAt: "2026-02-28T23:00:00Z" },
      { id: "r1", batchId: "b1", feature: "f1", createdAt: "2026-03-01T23:00:00Z" },
      { id: "r2", batchId: "b1", feature: "f2", kind: "summarize", createdAt: "2026-03-01T10:00:00Z" },
      { id: "r3", batchId: "b1", feature: "f1", createdAt: "2026-03-02T05:00:00Z" },
    ]);
    const writer = createLedgerWriter(db);
    await writer.write([
      attempt("r0", 1, "2026-03-01T00:30:00Z", { cost: usd("0.5") }),
      attempt("r1", 1, "2026-03-02T01:00:00Z", { cost: usd("0.01") }),
      attempt("r2", 1, "2026-03-01T10:01:00Z", { outcome: "error", errorType: "server_error", httpStatus: 500, usage: ZERO_USAGE }),
      attempt("r2", 2, "2026-03-01T10:02:00Z", { outcome: "invalid", errorType: "invalid_output", cost: usd("0.002") }),
      attempt("r3", 1, "2026-03-02T05:01:00Z", {
        outcome: "abandoned",
        errorType: "worker_died",
        usage: ZERO_USAGE,
        costEstimated: true,
        possiblyBilled: { low: usd("0.001"), high: usd("0.003") },
      }),
    ]);
    await writer.close();
    const done = { initialTier: "cheap", finalTier: "cheap", escalations: 0 };
    await finishRequests(db, [
      { ...done, id: "r0", status: "succeeded", attemptCount: 1, costUsd: "0.5", baselineCostUsd: "1" },
      { ...done, id: "r1", status: "succeeded", attemptCount: 1, costUsd: "0.01", baselineCostUsd: "0.05" },
      { ...done, id: "r2", status: "failed", attemptCount: 2, costUsd: "0.002", baselineCostUsd: "0.04" },
    ]);
  });
  afterAll(() => target?.drop());

  const report = (by: Parameters<typeof buildReport>[1], source: "rollup" | "raw" = "rollup", filters = WINDOW) =>
    buildReport(target.database.db, by, filters, { source });

  function sumRows(rep: Report) {
    return {
      calls: rep.rows.reduce((sum, row) => sum + row.calls, 0),
      cost: rep.rows.reduce((sum, row) => sum + usd(row.costUsd), 0n),
    };
  }

  for (const source of ["rollup", "raw"] as const) {
    it(`${source}: one window rule (requests created in it, all their calls); rows, total and summary agree`, async () => {
      const rep = await report(["day", "model"], source);
      expect(rep.window).toMatch(/^requests created from 2026-03-01T00:00:00.000Z to before 2026-03-03T00:00:00.000Z/);
      expect(rep.summary).toMatchObject({ requests: 3, succeeded: 1, failed: 1, queued: 1, calls: 4, costUsd: "0.012" });
      expect(sumRows(rep)).toEqual({ calls: 4, cost: usd("0.012") });
      expect(rep.total).toMatchObject({ calls: rep.summary.calls, costUsd: rep.summary.costUsd, requests: 3 });
      // r1's call started on the 2nd after midnight: a row of its own day, still in the window.
      expect(rep.rows.map((row) => row.group.day)).toEqual(["2026-03-01", "2026-03-02"]);
    });

    it(`${source}: savings over succeeded requests only; failed requests' spend on its own line`, async () => {
      const { summary } = await report([], source);
      expect(summary).toMatchObject({
        baselineCostUsd: "0.05",
        savingsUsd: "0.04",
        savingsPercent: 80,
        succeededCostUsd: "0.01",
        failedCostUsd: "0.002",
        queuedCostUsd: "0",
      });
    });

    it(`${source}: abandoned calls are possibly billed, apart from the exact cost`, async () => {
      const rep = await report(["tier"], source);
      expect(rep.summary).toMatchObject({
        possiblyBilledLowUsd: "0.001",
        possiblyBilledHighUsd: "0.003",
        abandonedCalls: 1,
        costUsd: "0.012",
      });
      expect(rep.rows[0]).toMatchObject({ possiblyBilledLowUsd: "0.001", possiblyBilledHighUsd: "0.003" });
      const table = formatReport(rep, "table");
      expect(table).toContain("possibly billed: $0.0010 to $0.0030 for 1 abandoned calls (estimated, not in the cost above)");
      expect(table).toContain("failed requests $0.0020 (bought no answer)");
      expect(table).toContain("saved $0.0400 (80%) over succeeded requests");
    });

    it(`${source}: --by kind and --by error_type`, async () => {
      const byKind = await report(["kind"], source);
      expect(byKind.rows.map((row) => [row.group.kind, row.calls, row.costUsd])).toEqual([
        ["classify", 2, "0.01"],
        ["summarize", 2, "0.002"],
      ]);
      const byError = await report(["error_type"], source);
      expect(byError.rows.map((row) => [row.group.error_type, row.calls])).toEqual([
        ["(none)", 1],
        ["invalid_output", 1],
        ["server_error", 1],
        ["worker_died", 1],
      ]);
    });
  }

  it("names batches next to their ids, and savings by feature", async () => {
    const rep = await report(["batch"]);
    expect(rep.rows[0]).toMatchObject({ group: { batch: "b1" }, batchName: "batch b1" });
    expect(rep.savingsByFeature).toEqual([
      { feature: "f1", succeeded: 1, costUsd: "0.01", baselineCostUsd: "0.05", savingsUsd: "0.04", savingsPercent: 80 },
    ]);
    const table = formatReport(rep, "table");
    expect(table).toMatch(/batch\s+batch name/);
    expect(table).toContain("saved by feature (succeeded requests only)");
  });

  it("puts the total row and the summary in the CSV form too", async () => {
    const csv = formatReport(await report(["model"]), "csv").split("\n");
    expect(csv[0]).toBe(
      "model,requests,calls,failed_calls,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,possibly_billed_low_usd,possibly_billed_high_usd",
    );
    expect(csv[2]).toBe("total,3,4,3,200,20,0,0,0.012,0.001,0.003");
    expect(csv.slice(3, 5)).toEqual(["", "metric,value"]);
    expect(csv).toContain("cost_usd,0.012");
    expect(csv).toContain("failed_cost_usd,0.002");
    expect(csv).toContain("savings_usd,0.04");
    expect(csv).toContain("savings_usd[feature=f1],0.04");
  });

  it("refuses an inverted or empty window and an unknown batch", async () => {
    await expect(report([], "rollup", { since: WINDOW.until, until: WINDOW.since })).rejects.toThrow(ReportError);
    await expect(report([], "rollup", { since: WINDOW.since, until: WINDOW.since })).rejects.toThrow(/is not before --until/);
    await expect(buildReport(target.database.db, [], { batchId: "nope" })).rejects.toThrow('no batch "nope"');
  });

  // Four short-lived CLI processes, at once: each starts Node and opens the database.
  it("the CLI exits 2 with one clear line for each", { timeout: 180_000 }, async () => {
    const env = { DATABASE_URL: target.url, LOG_LEVEL: "warn" };
    const cases = [
      [["--since", "2026-03-02", "--until", "2026-03-01"], "is not before --until"],
      [["--since", "2026-02-30"], '--since "2026-02-30" is not a day: 02/2026 has 28 days'],
      [["--until", "2026-11-31"], '--until "2026-11-31" is not a day: 11/2026 has 30 days'],
      [["--batch", "nope"], 'no batch "nope"'],
    ] as const;
    const results = await Promise.all(cases.map(([args]) => runCli(["report", ...args], env, 150_000)));
    results.forEach((result, index) => {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^error: /)]);
      expect(result.stderr).toContain(cases[index]![1]);
      expect(result.stdout).toBe("");
    });
  });
});
