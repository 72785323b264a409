import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../src/config/env.js";
import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { startFakeLlm, type FakeLlm } from "../../src/fake-llm/index.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { displayUsd, parseUsd } from "../../src/pricing/money.js";
import { createProducer } from "../../src/produce/producer.js";
import { batchStatus } from "../../src/report/query/batch-status.js";
import { batchCache } from "../../src/report/query/batch-cache.js";
import { configuredRates } from "../../src/report/query/cache-savings.js";
import { buildReport } from "../../src/report/query/report-query.js";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import { startWorker, type WorkerHandle } from "../../src/runtime/start-worker.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { testConfig } from "../helpers/pipeline.js";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../helpers/redis.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * The acceptance run: 2,000 classify jobs sharing a 5,000-token system and label list, short
 * items and answers, two workers (own runtimes: own Redis and Postgres connections, own provider
 * clients), against the fake provider — once with promptCaching.enabled false, once true, both
 * costed from `attempts`. Claude Haiku 4.5 answers (its 4,096-token minimum is below the prefix).
 */
const JOBS = 2_000;
const SYSTEM = "You triage support tickets for an online shop. Read the policy before you answer. ".repeat(250).slice(0, 20_000);
const ITEMS = [
  "Charged twice this month.",
  "App crashes on open.",
  "Please add dark mode.",
  "Reset email never came.",
  "Parcel not delivered.",
];

function config(enabled: boolean): RouterConfig {
  const base = testConfig({ promptCaching: { enabled } });
  return {
    ...base,
    tiers: base.tiers.map((tier) =>
      tier.name === "cheap" ? { ...tier, concurrency: 8, models: tier.models.filter((model) => model.model === "claude-haiku-4-5") } : tier,
    ),
  };
}

interface RunFigures {
  batchId: string;
  costPico: bigint;
  /** model → [cache read, cache write, 1-hour write] token sums in the ledger. */
  ledger: Record<string, [number, number, number]>;
  fake: Record<string, [number, number, number]>;
}

describe("prompt caching on a 2,000-job shared-prefix batch", () => {
  let testDb: TestDatabase;
  let fake: FakeLlm;
  const prefix = uniquePrefix();
  const runs: Record<"off" | "on", RunFigures> = {} as never;

  async function run(enabled: boolean): Promise<RunFigures> {
    const env = {
      ...parseEnv({}),
      DATABASE_URL: testDb.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: "silent" as const,
    };
    const runtimes: Runtime[] = [createRuntime(env, { config: config(enabled) }), createRuntime(env, { config: config(enabled) })];
    const workers: WorkerHandle[] = [];
    for (const runtime of runtimes) workers.push(await startWorker(runtime, { stages: ["intake", "cheap"], fakeProviderUrl: fake.url }));
    fake.resetStats();
    const producer = createProducer({ db: testDb.database.db, config: config(enabled) });
    try {
      const jobs = Array.from({ length: JOBS }, (_, index) => ({
        kind: "classify" as const,
        tier: "cheap",
        system: SYSTEM,
        labels: TICKET_LABELS,
        prompt: `#${index}: ${ITEMS[index % ITEMS.length]}`,
        maxOutputTokens: 8,
      }));
      const { batchId, accepted } = await producer.enqueueJobs(jobs, {
        batchName: `caching-${enabled ? "on" : "off"}`,
        // The same file twice on purpose: once without caching, once with.
        allowRepeat: true,
      });
      expect(accepted).toBe(JOBS);
      const status = await waitFor(
        () => batchStatus(testDb.database.db, batchId),
        (s) => s.done,
        { what: `batch ${batchId}`, timeoutMs: 240_000, intervalMs: 250 },
      );
      expect(status.succeeded).toBe(JOBS);
      for (const worker of workers) await worker.stop();
      const [total] = await queryRows<{ cost: string }>(
        testDb.database.db,
        sql`select coalesce(sum(a.cost_usd), 0)::text as cost from attempts a join requests r on r.id = a.request_id where r.batch_id = ${batchId}`,
      );
      const byModel = await queryRows<{ model: string; r: string; w: string; w1h: string }>(
        testDb.database.db,
        sql`select a.model, sum(a.cache_read_tokens)::text as r, sum(a.cache_write_tokens)::text as w, sum(a.cache_write_1h_tokens)::text as w1h
            from attempts a join requests r on r.id = a.request_id where r.batch_id = ${batchId} group by a.model`,
      );
      const stats = fake.stats().models;
      return {
        batchId,
        costPico: parseUsd(total!.cost),
        ledger: Object.fromEntries(byModel.map((row) => [row.model, [Number(row.r), Number(row.w), Number(row.w1h)]])),
        fake: Object.fromEntries(
          Object.entries(stats).map(([model, s]) => [model, [s.cacheReadTokens, s.cacheWriteTokens, s.cacheWrite1hTokens]]),
        ),
      };
    } finally {
      await producer.close();
      for (const runtime of runtimes) await runtime.close();
    }
  }

  beforeAll(async () => {
    testDb = await createTestDatabase();
    fake = await startFakeLlm({ port: 0 });
    // Off first, so nothing the cached run wrote could help the uncached one.
    runs.off = await run(false);
    runs.on = await run(true);
    const saved = Number(((runs.off.costPico - runs.on.costPico) * 10_000n) / runs.off.costPico) / 100;
    console.info(
      `prompt caching, ${JOBS} jobs: caching off $${displayUsd(runs.off.costPico, 6)}, on $${displayUsd(runs.on.costPico, 6)} (${saved}% less); ` +
        `ledger cache tokens on ${JSON.stringify(runs.on.ledger)}, fake /stats ${JSON.stringify(runs.on.fake)}`,
    );
  }, 600_000);

  afterAll(async () => {
    await fake?.close();
    await testDb?.drop();
    await deletePrefix(prefix);
  });

  it("costs at least 70% less with caching on than off, both from attempts", () => {
    expect(runs.on.costPico * 100n).toBeLessThanOrEqual(runs.off.costPico * 30n);
  });

  it("records the same cache read and write tokens per model as the fake provider counted", () => {
    expect(runs.on.ledger).toEqual(runs.on.fake);
    expect(runs.off.ledger).toEqual(runs.off.fake);
    expect(runs.on.ledger["claude-haiku-4-5"]![0]).toBeGreaterThan(0);
    expect(runs.off.ledger["claude-haiku-4-5"]).toEqual([0, 0, 0]);
  });

  it("reports the hit rate and the money caching saved, by batch, feature and model, and per batch", async () => {
    const report = await buildReport(testDb.database.db, ["batch", "feature", "model"], {}, { cacheRates: configuredRates(config(true)) });
    const on = report.rows.find((row) => row.group.batch === runs.on.batchId)!;
    const off = report.rows.find((row) => row.group.batch === runs.off.batchId)!;
    const [reads, writes] = runs.on.ledger["claude-haiku-4-5"]!;
    // Haiku 4.5: input $1/Mtok = 1,000,000 pico a token; a read saves 0.9 of it, a 5-minute write costs 0.25 more.
    const savedPico = BigInt(reads) * 900_000n - BigInt(writes) * 250_000n;
    expect(on.group).toMatchObject({ feature: "(none)", model: "claude-haiku-4-5" });
    expect(on.cacheHitPercent).toBe(Math.round((10_000 * reads) / on.inputTokens) / 100);
    expect(on.cacheHitPercent!).toBeGreaterThan(90);
    expect(parseUsd(on.cacheSavedUsd!)).toBe(savedPico);
    expect(off).toMatchObject({ cacheHitPercent: 0, cacheSavedUsd: "0" });
    expect(parseUsd(report.summary.cacheSavedUsd!)).toBe(savedPico);

    const batch = await batchCache(testDb.database.db, runs.on.batchId, configuredRates(config(true)));
    expect(batch).toMatchObject({ cacheHitPercent: on.cacheHitPercent, byModel: [{ model: "claude-haiku-4-5", cacheReadTokens: reads }] });
    expect(parseUsd(batch.cacheSavedUsd!)).toBe(savedPico);
    console.info(`cache report: batch hit rate ${on.cacheHitPercent}%, saved $${displayUsd(savedPico, 6)}`);
  });
});
