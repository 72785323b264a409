import { mkdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { createDashboard } from "../../src/dashboard/dashboard-app.js";
import { startDashboardServer, type DashboardServer } from "../../src/dashboard/dashboard-server.js";
import { startHealthServer } from "../../src/runtime/health-server.js";
import { batchStatus } from "../../src/report/query/batch-status.js";
import { dumpDom, LET_SCRIPTS_RUN, screenshot } from "../helpers/report/chromium.js";
import { mixedJobs } from "../helpers/jobs.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { waitFor } from "../helpers/wait-for.js";
import { createBudgetGuard } from "../../src/guards/budget-guard.js";
import { parseUsd } from "../../src/pricing/money.js";

const TOKEN = "a-dashboard-token-for-tests-0123456789";
const TIERS = ["cheap", "balanced", "premium"];
// Where the screenshots go; DASHBOARD_SCREENSHOT_DIR keeps them for a person to look at.
const SHOT_DIR = process.env.DASHBOARD_SCREENSHOT_DIR ?? join(tmpdir(), "llm-router-dashboard-shots");

describe("the dashboard, live, in headless Chromium", () => {
  let pipeline: TestPipeline;
  let server: DashboardServer;
  let batchId: string;

  beforeAll(async () => {
    // Slow enough that the batch is still running while the page is looked at.
    pipeline = await startTestPipeline({
      config: testConfig({ retriesPerModel: 0 }),
      scenario: { seed: 2, models: { "*": { latencyMs: 150 }, "gpt-5-mini": { latencyMs: 150, errors: { "500": 0.3 } } } },
    });
    server = await startDashboardServer({
      database: pipeline.testDb.database,
      connection: pipeline.runtime.redis(),
      prefix: pipeline.prefix,
      tiers: TIERS,
      token: TOKEN,
      host: "127.0.0.1",
      port: 0,
    });
    ({ batchId } = await pipeline.producer.enqueueJobs(
      mixedJobs(400, "dash").map((job, index) => (index % 5 === 0 ? { ...job, model: "gpt-5-mini" } : job)),
      { batchName: "support tickets, live" },
    ));
    await waitFor(
      () => batchStatus(pipeline.testDb.database.db, batchId),
      (status) => status.finished >= 20 && status.failed > 0,
      { what: "the batch to be under way with a failure" },
    );
    await mkdir(SHOT_DIR, { recursive: true });
  }, 90_000);
  afterAll(async () => {
    await server?.close();
    await pipeline?.close();
  });

  it("answers 401 and nothing else without the right token", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-token-of-some-length" },
      { cookie: "llm_router_dashboard=nope" },
    ];
    for (const headers of attempts) {
      for (const path of ["/", "/queues/", "/queues/api/queues", `/batches/${batchId}/report`, "/no-such-page"]) {
        const response = await fetch(`${server.url}${path}`, { headers });
        expect(response.status).toBe(401);
        expect(await response.text()).toBe("unauthorized");
      }
    }
    const ok = await fetch(`${server.url}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
  });

  it("mounts in the worker's health server under /dashboard, behind the token", async () => {
    const dashboard = await createDashboard({
      database: pipeline.testDb.database,
      connection: pipeline.runtime.redis(),
      prefix: pipeline.prefix,
      tiers: TIERS,
      token: TOKEN,
      basePath: "/dashboard",
    });
    const health = await startHealthServer(
      0,
      { registry: new Registry(), readiness: {}, mount: { path: "/dashboard", handle: dashboard.handle } },
      "127.0.0.1",
    );
    try {
      const base = `http://127.0.0.1:${health.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/dashboard/`)).status).toBe(401);
      const page = await fetch(`${base}/dashboard/`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('href="/dashboard/queues/"');
      const board = await fetch(`${base}/dashboard/queues/api/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(board.status).toBe(200);
    } finally {
      await health.close();
      await dashboard.close();
    }
  });

  it("refuses to listen off loopback without a token", async () => {
    await expect(
      startDashboardServer({
        database: pipeline.testDb.database,
        connection: pipeline.runtime.redis(),
        prefix: pipeline.prefix,
        tiers: TIERS,
        host: "0.0.0.0",
        port: 0,
      }),
    ).rejects.toThrow(/DASHBOARD_TOKEN/);
  });

  it("shows the running batch (progress, throughput, cost, tiers, failures, report link) and Bull Board, with nothing from the network", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const page = await (await fetch(`${server.url}/`, { headers: auth })).text();
    expect(page).toContain(`data-batch="${batchId}"`);
    expect(page).toContain("running");
    expect(page).toMatch(/top failure reasons/);
    expect(page).toContain(`/batches/${batchId}/report`);
    expect(page).not.toMatch(/https?:\/\//);
    const board = await fetch(`${server.url}/queues/`, { headers: auth });
    expect(board.headers.get("content-security-policy")).toContain("default-src 'self'");
    const boardHtml = await board.text();
    expect(boardHtml).not.toMatch(/googleapis|https?:\/\/(?!www\.w3\.org)/);
    const api = (await (await fetch(`${server.url}/queues/api/queues`, { headers: auth })).json()) as { queues: { name: string }[] };
    expect(api.queues.map((queue) => queue.name).sort()).toEqual(["intake", "tier-balanced", "tier-cheap", "tier-premium"]);
    const report = await fetch(`${server.url}/batches/${batchId}/report`, { headers: auth });
    expect(report.status).toBe(200);
    expect(await report.text()).toContain("<svg");

    // The browser's first visit carries ?token=; the cookie it gets authorises Bull Board's own API calls.
    const dom = await dumpDom(`${server.url}/queues/?token=${TOKEN}`, LET_SCRIPTS_RUN);
    expect(dom).toContain("tier-cheap");
    const shot = join(SHOT_DIR, "dashboard.png");
    await screenshot(`${server.url}/?token=${TOKEN}`, shot, "1280,1400");
    expect((await stat(shot)).size).toBeGreaterThan(20_000);
    const boardShot = join(SHOT_DIR, "dashboard-queues.png");
    await screenshot(`${server.url}/queues/?token=${TOKEN}`, boardShot, "1280,900", LET_SCRIPTS_RUN);
    expect((await stat(boardShot)).size).toBeGreaterThan(10_000);
    // Still running when the pictures were taken.
    expect((await batchStatus(pipeline.testDb.database.db, batchId)).done).toBe(false);
  }, 120_000);

  it("shows the batch's budget (spent / reserved / remaining) and prompt-cache hit rate and savings, on the page and in its report", async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const budgets = createBudgetGuard({ redis: pipeline.runtime.redis(), prefix: pipeline.prefix, budgets: () => ({}) });
    await budgets.setBatchLimit(batchId, parseUsd("100"));
    const page = await (await fetch(`${server.url}/`, { headers: auth })).text();
    const card = page.slice(page.indexOf(`data-batch="${batchId}"`));
    expect(card).toMatch(/budget \$100\.000000000000: spent \$\d+\.\d{12}, reserved \$\d+\.\d{12}, remaining \$\d+\.\d{12}/);
    expect(card).toMatch(/prompt cache: hit rate <b>(\d+(\.\d+)?%|n\/a)<\/b> of input tokens; saved <b>\$[\d.]+<\/b>/);
    const report = await (await fetch(`${server.url}/batches/${batchId}/report`, { headers: auth })).text();
    expect(report).toContain("Prompt cache hit rate");
    expect(report).toMatch(/budget \$100\.000000000000: spent/);
  });
});
