import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { runCli, startCli } from "../helpers/cli-process.js";
import { openReportTestDatabase, type ReportTestDatabase } from "../helpers/report/databases.js";
import { finishRequests, generateLedger, insertAttempts, insertRequests } from "../helpers/report/ledger-fixtures.js";

/** `report`, `batch` and `maintain` as a user runs them: one process per command. */
describe("report, batch and maintain on the command line", () => {
  let target: ReportTestDatabase;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    target = await openReportTestDatabase("postgres");
    await generateLedger(target.database.db, { seed: 3, requests: 200, batchPrefix: "cli" });
    env = { DATABASE_URL: target.url, LOG_LEVEL: "warn" };
    dir = await mkdtemp(join(tmpdir(), "llm-router-report-cli-"));
  });
  afterAll(() => target?.drop());

  it("keeps the JSON shape and adds the source, the rates and the insights", async () => {
    const result = await runCli(["report", "--by", "day,model", "--format", "json"], env);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(["by", "filters", "window", "source", "summary", "rows", "total", "savingsByFeature", "insights"]);
    expect(report.by).toEqual(["day", "model"]);
    expect(report.source).toBe("rollup");
    expect(Object.keys(report.summary)).toEqual(
      expect.arrayContaining([
        "requests",
        "succeeded",
        "failed",
        "queued",
        "escalated",
        "calls",
        "costUsd",
        "baselineCostUsd",
        "savingsUsd",
        "savingsPercent",
        "escalationPercent",
        "failurePercent",
        "fallbackPercent",
        "wastedCostUsd",
      ]),
    );
    expect(Object.keys(report.rows[0])).toEqual(
      expect.arrayContaining([
        "group",
        "requests",
        "calls",
        "failedCalls",
        "inputTokens",
        "outputTokens",
        "cacheReadTokens",
        "cacheWriteTokens",
        "costUsd",
      ]),
    );
    // The tiers file orders the tiers.
    expect(report.insights.tiers).toEqual(["cheap", "balanced", "premium"]);
    const [truth] = await queryRows<{ cost: string }>(target.database.db, sql`select sum(cost_usd)::text as cost from attempts`);
    expect(report.summary.costUsd).toBe(truth!.cost.replace(/0+$/, "").replace(/\.$/, ""));
  });

  it("writes the HTML report to a file", async () => {
    const out = join(dir, "report.html");
    const result = await runCli(["report", "--by", "tier,model", "--batch", "cli-1", "--format", "html", "--out", out], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`report written to ${out}`);
    const html = await readFile(out, "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('data-chart="cost-per-day"');
    expect(html).toContain("batch cli-1");
  });

  it("prints csv and table, and notes when --since falls inside a day", async () => {
    const csv = await runCli(["report", "--by", "feature", "--format", "csv", "--since", "2026-10-31"], env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split("\n")[0]).toBe(
      "feature,requests,calls,failed_calls,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,possibly_billed_low_usd,possibly_billed_high_usd",
    );
    expect(csv.stdout).toContain("\nmetric,value\n");
    expect(csv.stderr).toBe("");
    const table = await runCli(["report", "--by", "tier", "--since", "2026-10-31T06:00:00Z"], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stderr).toMatch(/note: --since\/--until fall inside a UTC day/);
    expect(table.stdout).toMatch(/^escalation rate \d+(\.\d+)?%; failure rate/m);
  });

  it("shows a batch's progress, cost so far, per-tier split and ETA, and --wait follows it to the end", async () => {
    const db = target.database.db;
    await insertRequests(
      db,
      Array.from({ length: 4 }, (_, index) => ({
        id: `live-${index}`,
        batchId: "live",
        feature: "f",
        createdAt: new Date().toISOString(),
      })),
    );
    await db.execute(sql`update batches set job_count = 4 where id = 'live'`);
    await insertAttempts(db, [
      {
        requestId: "live-0",
        attemptNo: 1,
        tier: "cheap",
        provider: "openai",
        model: "gpt-5-mini",
        outcome: "ok",
        latencyMs: 20,
        costUsd: "0.25",
        startedAt: new Date().toISOString(),
      },
      {
        requestId: "live-1",
        attemptNo: 1,
        tier: "cheap",
        provider: "openai",
        model: "gpt-5-mini",
        outcome: "invalid",
        latencyMs: 20,
        costUsd: "0.125",
        startedAt: new Date().toISOString(),
      },
    ]);
    const ending = (id: string, costUsd: string) => ({
      id,
      status: "succeeded" as const,
      initialTier: "cheap",
      finalTier: "cheap",
      finalProvider: "openai",
      finalModel: "gpt-5-mini",
      escalations: 0,
      attemptCount: 1,
      costUsd,
      baselineCostUsd: "1",
    });
    await finishRequests(db, [ending("live-0", "0.25")]);

    const now = await runCli(["batch", "live", "--json"], env);
    expect(now.code, now.stderr).toBe(0);
    const status = JSON.parse(now.stdout);
    expect(status).toMatchObject({ jobs: 4, finished: 1, queued: 3, done: false, costUsd: "0.25", costSoFarUsd: "0.375", calls: 2 });
    expect(status.byTier).toEqual([{ tier: "cheap", calls: 2, failedCalls: 1, costUsd: "0.375", requestsEnded: 1 }]);
    expect(status.finishRatePerSecond).toBeGreaterThan(0);
    expect(status.etaMs).toBeGreaterThan(0);
    const text = await runCli(["batch", "live"], env);
    expect(text.stdout).toMatch(/jobs 4: 1 finished \(25%\).*ETA \d+/);
    expect(text.stdout).toMatch(/cost so far, calls of unfinished jobs included: \$0\.3750/);

    const waiting = startCli(["batch", "live", "--wait", "--json"], env);
    const exited = new Promise((resolve) => waiting.child.on("exit", resolve));
    await waiting.waitForOutput(/batch batch live: 1\/4/);
    await finishRequests(db, [ending("live-1", "0.125"), ending("live-2", "0"), ending("live-3", "0")]);
    expect(await exited).toBe(0);
    const done = JSON.parse(waiting.output().stdout);
    expect(done).toMatchObject({ finished: 4, queued: 0, done: true, etaMs: 0, costUsd: "0.375" });
    expect(waiting.output().stderr).toMatch(/batch batch live: 4\/4/);
  });

  it("plans partition upkeep with maintain --dry-run", async () => {
    const result = await runCli(["maintain", "--dry-run", "--json", "--months-ahead", "6"], env);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan.dryRun).toBe(true);
    expect(plan.batchItemsPruned).toBe(0); // no provider batches in this ledger
    expect(plan.actions.filter((action: { action: string }) => action.action === "create")).toHaveLength(3); // months 4, 5 and 6 from now
    expect(plan.actions.filter((action: { action: string }) => action.action === "move").length).toBeGreaterThan(0);
    const refused = await runCli(["maintain", "--keep-months", "-1"], env);
    expect(refused.code).not.toBe(0);
  });
});
