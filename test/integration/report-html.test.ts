import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtmlReport } from "../../src/report/render/html-report.js";
import { buildReport } from "../../src/report/query/report-query.js";
import { configuredRates } from "../../src/report/query/cache-savings.js";
import { dumpDom, screenshot } from "../helpers/report/chromium.js";
import { openReportTestDatabase, type ReportTestDatabase } from "../helpers/report/databases.js";
import { generateLedger, insertAttempts, insertRequests } from "../helpers/report/ledger-fixtures.js";

const HOSTILE_FEATURE = `</script><img src=x onerror="document.title='pwned'">`;

/** The HTML report rendered by a real browser: the charts must draw, from a file, with no network. */
describe("the HTML report in headless Chromium", () => {
  let target: ReportTestDatabase;
  let dir: string;
  let file: string;
  let html: string;

  beforeAll(async () => {
    target = await openReportTestDatabase("postgres");
    const db = target.database.db;
    await generateLedger(db, { seed: 11, requests: 400, batchPrefix: "html" });
    await insertRequests(db, [{ id: "hostile", batchId: "html-0", feature: HOSTILE_FEATURE, createdAt: "2026-11-02T10:00:00Z" }]);
    await insertAttempts(db, [
      {
        requestId: "hostile",
        attemptNo: 1,
        tier: "cheap",
        provider: "openai",
        model: "gpt-5-mini",
        outcome: "ok",
        latencyMs: 300,
        costUsd: "0.0001",
        startedAt: "2026-11-02T10:00:01Z",
      },
    ]);
    const report = await buildReport(
      db,
      ["feature", "tier"],
      { since: new Date("2026-10-30T00:00:00Z") },
      {
        insights: true,
        tierOrder: ["cheap", "balanced", "premium"],
      },
    );
    dir = await mkdtemp(join(tmpdir(), "llm-router-html-report-"));
    file = join(dir, "report.html");
    html = renderHtmlReport(report, { generatedAt: new Date("2026-11-05T12:00:00Z") });
    await writeFile(file, html);
  });
  afterAll(() => target?.drop());

  it("shows the prompt-cache hit rate and savings, and a batch's budget with paused: budget", async () => {
    const db = target.database.db;
    const report = await buildReport(db, ["tier"], { batchId: "html-0" }, { insights: true, cacheRates: configuredRates() });
    const budget = {
      limitUsd: "0.500000000000",
      spentUsd: "0.400000000000",
      reservedUsd: "0.100000000000",
      remainingUsd: "0.000000000000",
      paused: "budget" as const,
    };
    const page = renderHtmlReport(report, { budget });
    expect(page).toContain("Prompt cache hit rate");
    expect(page).toMatch(/saved \$[\d.]+ \(cached input tokens/);
    expect(page).toContain("Budget (paused: budget)");
    expect(page).toContain("paused: budget $0.500000000000: spent $0.400000000000, reserved $0.100000000000, remaining $0.000000000000");
    // No budget: no tile.
    expect(renderHtmlReport(report)).not.toContain("Budget");
  });

  it("is one self-contained file: no scripts, styles, fonts or images fetched from anywhere", () => {
    // Only inside tags: the ledger's own text may say anything, escaped.
    expect(html).not.toMatch(/<[^>]+\s(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|<link|<iframe|<object/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("escapes names from the ledger instead of running them", async () => {
    expect(html).not.toContain(HOSTILE_FEATURE);
    const dom = await dumpDom(file);
    expect(dom).toContain("<title>LLM cost report</title>"); // the injected handler would have renamed the page
    expect(dom).not.toMatch(/<img/i);
    expect(dom).toContain("&lt;/script&gt;&lt;img src=x");
  });

  it("draws every chart, with a mark per data point, and keeps a screenshot", async () => {
    const dom = await dumpDom(file);
    // The page's script counts the charts whose marks the browser laid out with a non-empty box.
    expect(dom).toMatch(/<html[^>]*\sdata-rendered="4"/);
    const drawn = Object.fromEntries(
      [...dom.matchAll(/<svg data-chart="([^"]+)"[^>]*data-marks-drawn="(\d+)"/g)].map((match) => [match[1], Number(match[2])]),
    );
    // cost per day: a bar per day per tier with calls; routing: a segment per tier and row;
    // savings: a point per day per line; latency: three bars per tier.
    expect(drawn["cost-per-day"]).toBeGreaterThanOrEqual(8);
    expect(drawn.routing).toBeGreaterThanOrEqual(4);
    expect(drawn.savings).toBeGreaterThanOrEqual(8);
    expect(drawn.latency).toBe(9);
    expect(dom).toMatch(/<title>2026-11-01 · cheap: \$\d+\.\d{4} \(\d+ calls\)<\/title>/);

    const png = join(dir, "report.png");
    await screenshot(file, png);
    const bytes = await readFile(png);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await stat(png)).size).toBeGreaterThan(30_000); // a blank 1280×2000 page compresses to a few KB
    process.stderr.write(`HTML report screenshot: ${png}\n`);
  });
});
