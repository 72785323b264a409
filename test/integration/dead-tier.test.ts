import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBatchWaiting } from "../../src/batches/batch-waiting.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { batchStatus } from "../../src/report/query/batch-status.js";
import { EXIT } from "../../src/cli/exit.js";
import { startDashboardServer } from "../../src/dashboard/dashboard-server.js";
import { runCli } from "../helpers/cli-process.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { TEST_REDIS_URL } from "../helpers/redis.js";
import { waitFor } from "../helpers/wait-for.js";

const PREMIUM = ["claude-opus-4-7", "gpt-5.2"];

/**
 * Issue 16 item 19: every premium model answers 529. The circuit opens on both, and the jobs bound
 * for that tier wait; each must end within its batch's --max-wait (failed, naming the busy models),
 * and while they wait `batch ID` says on which models and why.
 */
describe("a dead top tier", () => {
  let pipeline: TestPipeline;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    // The breaker trips after a few 529s and stays open for the whole test.
    const config = testConfig({ circuitBreaker: { windowMs: 30_000, minCalls: 4, failureRate: 0.5, openMs: 120_000 } });
    pipeline = await startTestPipeline({
      config,
      scenario: {
        seed: 3,
        models: { "*": { latencyMs: 5 }, ...Object.fromEntries(PREMIUM.map((model) => [model, { errors: { "529": 1 } }])) },
      },
    });
    env = {
      DATABASE_URL: pipeline.testDb.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: pipeline.prefix,
      LLM_ROUTER_CONFIG: await writeConfigFile(config),
      LOG_LEVEL: "warn",
      OPENAI_API_KEY: "",
      ANTHROPIC_API_KEY: "",
    };
    dir = await mkdtemp(join(tmpdir(), "llm-router-dead-tier-"));
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  const premiumJobs = async (name: string, count: number) => {
    const file = join(dir, `${name}.jsonl`);
    const lines = Array.from({ length: count }, (_, index) =>
      JSON.stringify({ id: `${name}-${index}`, kind: "generate", prompt: `Write a limerick about tide pool ${index}.`, tier: "premium" }),
    );
    await writeFile(file, `${lines.join("\n")}\n`);
    return file;
  };

  it("refuses a --max-wait that is not a duration, saying what it takes", async () => {
    const bad = await runCli(["enqueue", await premiumJobs("bad-flag", 1), "--max-wait", "soon"], env);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/--max-wait must be a duration like "30s", "2m" or "1h".*got "soon"/);
  });

  it("ends all 60 jobs of a --max-wait 5s batch as failed, naming the busy models; none stays queued", async () => {
    const enqueue = await runCli(["enqueue", await premiumJobs("dead", 60), "--max-wait", "5s"], env);
    expect(enqueue.code).toBe(EXIT.ok);
    const batchId = enqueue.stdout.trim();
    const deps = { redis: pipeline.runtime.redis(), prefix: pipeline.prefix, tiers: pipeline.config.tiers };
    // While they wait, the batch's own Redis notes say on which models and why (the tier's queue is paused).
    const waiting = await waitFor(
      () => readBatchWaiting(deps, batchId),
      (seen) =>
        seen.deferredJobs > 0 && PREMIUM.every((model) => seen.models.some((row) => row.model === model && row.reason === "circuit_open")),
      { what: "the batch's jobs to wait on both premium models, circuit open", timeoutMs: 60_000, intervalMs: 20 },
    );
    expect(waiting.blockedTiers.map((tier) => tier.tier)).toEqual(["premium"]);
    expect(waiting.maxWaitMs).toEqual({ min: 5_000, max: 5_000 });

    const status = await waitFor(
      () => batchStatus(pipeline.testDb.database.db, batchId),
      (current) => current.done,
      { what: "the dead-tier batch to end", timeoutMs: 120_000, intervalMs: 200 },
    );
    expect(status).toMatchObject({ jobs: 60, failed: 60, queued: 0 });
    const errors = await queryRows<{ error: string }>(
      pipeline.testDb.database.db,
      sql`select error from requests where batch_id = ${batchId} order by id`,
    );
    expect(errors).toHaveLength(60);
    // A job either called a premium model and got its 529, or gave up waiting, naming both busy models.
    const gaveUp = errors.filter(({ error }) => /waited \d+ s for busy models, the most allowed \(maxWaitMs 5000\)/.test(error));
    for (const { error } of errors) expect(error).toMatch(/529|waited \d+ s for busy models/);
    for (const { error } of gaveUp) for (const model of PREMIUM) expect(error).toContain(`${model} circuit open`);
    expect(gaveUp.length).toBeGreaterThan(40);
    // Nothing left in the batch's waiting notes once it has ended.
    expect((await readBatchWaiting(deps, batchId)).deferredJobs).toBe(0);
  });

  it("`batch ID` (text and --json) shows the waiting jobs, their busy models, circuit open and until when", async () => {
    // A long bound, so the jobs are surely still waiting while the CLI looks; cancelled afterwards.
    const enqueue = await runCli(["enqueue", await premiumJobs("held", 6), "--max-wait", "10m"], env);
    const batchId = enqueue.stdout.trim();
    await waitFor(
      () => readBatchWaiting({ redis: pipeline.runtime.redis(), prefix: pipeline.prefix, tiers: pipeline.config.tiers }, batchId),
      (seen) => seen.deferredJobs > 0,
      { what: "a job of the held batch to be deferred", timeoutMs: 60_000, intervalMs: 20 },
    );
    const json = await runCli(["batch", batchId, "--json"], env);
    expect(json.code).toBe(EXIT.ok);
    const shown = JSON.parse(json.stdout) as {
      waiting: { deferredJobs: number; models: { model: string; reason: string; jobs: number; until?: string }[] };
    };
    expect(shown.waiting.deferredJobs).toBeGreaterThan(0);
    for (const model of PREMIUM) {
      const row = shown.waiting.models.find((entry) => entry.model === model);
      expect(row, model).toMatchObject({ reason: "circuit_open" });
      expect(row!.jobs).toBeGreaterThan(0);
      expect(Date.parse(row!.until!)).toBeGreaterThan(Date.now());
    }
    const text = await runCli(["batch", batchId], env);
    expect(text.stdout).toMatch(/waiting for busy models: \d+ deferred jobs?/);
    expect(text.stdout).toMatch(/tier premium has had no usable model since/);
    for (const model of PREMIUM)
      expect(text.stdout).toMatch(
        new RegExp(`${model.replace(".", "\\.")} circuit open until \\S+ \\(in [^)]+\\): \\d+ jobs? waiting on it`),
      );
    expect(text.stdout).toMatch(/a job gives up waiting after 10m 00s \(maxWait\)/);
    // The dashboard's card of the running batch says the same.
    const dashboard = await startDashboardServer({
      database: pipeline.testDb.database,
      connection: pipeline.runtime.redis(),
      prefix: pipeline.prefix,
      tiers: pipeline.config.tiers.map((tier) => tier.name),
      tierModels: pipeline.config.tiers,
      host: "127.0.0.1",
      port: 0,
    });
    try {
      const page = await (await fetch(`${dashboard.url}/`)).text();
      const card = page.slice(page.indexOf(`data-batch="${batchId}"`));
      expect(card).toMatch(/waiting for busy models: \d+ deferred jobs/);
      for (const model of PREMIUM) expect(card).toContain(`data-model="${model}" data-reason="circuit_open"`);
      expect(card).toContain("tier <b>premium</b> has had no usable model since");
    } finally {
      await dashboard.close();
    }
    expect((await runCli(["batch", batchId, "--cancel"], env)).code).toBe(EXIT.ok);
  });
});
