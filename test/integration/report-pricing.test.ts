import { calcPrice } from "@pydantic/genai-prices";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import { startWorker } from "../../src/runtime/start-worker.js";
import { parseEnv } from "../../src/config/env.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { createProducer, type Producer } from "../../src/produce/producer.js";
import { batchStatus } from "../../src/report/query/batch-status.js";
import { buildReport } from "../../src/report/query/report-query.js";
import { testConfig } from "../helpers/pipeline.js";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../helpers/redis.js";
import { waitFor } from "../helpers/wait-for.js";
import { startProviderStub, type ProviderStub } from "../helpers/report/provider-stub.js";

/**
 * Each kind of cached prompt token, from the provider's wire format through the adapter, the
 * price book, the ledger writer and the rollups to the report. Expected costs are worked out
 * here from the catalog's per-million prices (USD): claude-haiku-4-5 input 1, cache read 0.10,
 * 5-minute write 1.25, 1-hour write 2, output 5; gpt-5-mini input 0.25, cached 0.025, output 2;
 * the baseline, claude-opus-4-7 (the top tier's primary): 5, 0.50, 6.25, 10, 25.
 */
describe("pricing cached tokens, ledger to report", () => {
  let testDb: TestDatabase;
  let runtime: Runtime;
  let producer: Producer;
  let stub: ProviderStub;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    stub = await startProviderStub({
      "[case:anthropic-read]": {
        provider: "anthropic",
        uncachedInput: 1_000,
        cacheRead: 4_000,
        cacheWrite5m: 0,
        cacheWrite1h: 0,
        output: 200,
      },
      "[case:anthropic-write-5m]": {
        provider: "anthropic",
        uncachedInput: 1_000,
        cacheRead: 0,
        cacheWrite5m: 3_000,
        cacheWrite1h: 0,
        output: 200,
      },
      "[case:anthropic-write-1h]": {
        provider: "anthropic",
        uncachedInput: 1_000,
        cacheRead: 0,
        cacheWrite5m: 0,
        cacheWrite1h: 3_000,
        output: 200,
      },
      "[case:openai-cached]": { provider: "openai", prompt: 5_000, cached: 4_000, output: 200 },
    });
    testDb = await createTestDatabase();
    const config = testConfig();
    runtime = createRuntime(
      { ...parseEnv({}), DATABASE_URL: testDb.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: "silent" },
      { config },
    );
    await startWorker(runtime, { fakeProviderUrl: stub.url });
    producer = createProducer({ db: testDb.database.db, config });
  });
  afterAll(async () => {
    await producer?.close();
    await runtime?.close();
    await stub?.close();
    await testDb?.drop();
    await deletePrefix(prefix);
  });

  /** Runs one job pinned to `model` and returns its attempt row and the report of its batch. */
  async function runCase(marker: string, model: string) {
    const { batchId } = await producer.enqueueJobs(
      [
        {
          id: `price-${marker.slice(6, -1)}`,
          kind: "summarize",
          model,
          prompt: `Summarize ${marker}: the quarterly review covered revenue, churn and hiring.`,
        },
      ],
      { batchName: marker },
    );
    await waitFor(
      () => batchStatus(testDb.database.db, batchId),
      (status) => status.done,
      { what: `batch ${marker}`, timeoutMs: 30_000 },
    );
    const [attempt] = await queryRows<Record<string, string | number>>(
      testDb.database.db,
      sql`select a.input_tokens, a.output_tokens, a.cache_read_tokens, a.cache_write_tokens, a.cache_write_1h_tokens, a.cost_usd::text
          from attempts a join requests r on r.id = a.request_id where r.batch_id = ${batchId}`,
    );
    const report = await buildReport(testDb.database.db, ["model"], { batchId });
    return { attempt: attempt!, report };
  }

  it("prices Anthropic cache reads at the cache-read rate, not as input", async () => {
    const { attempt, report } = await runCase("[case:anthropic-read]", "claude-haiku-4-5");
    // 1,000 uncached × 1 + 4,000 reads × 0.10 + 200 out × 5 = 2,400 per million.
    expect(attempt).toEqual({
      input_tokens: 5_000,
      output_tokens: 200,
      cache_read_tokens: 4_000,
      cache_write_tokens: 0,
      cache_write_1h_tokens: 0,
      cost_usd: "0.002400000000",
    });
    expect(report.rows).toMatchObject([
      { group: { model: "claude-haiku-4-5" }, inputTokens: 5_000, cacheReadTokens: 4_000, costUsd: "0.0024" },
    ]);
    expect(report.summary).toMatchObject({ costUsd: "0.0024", baselineCostUsd: "0.012" }); // 5,000 + 2,000 + 5,000 on opus
    const catalog = calcPrice({ input_tokens: 5_000, cache_read_tokens: 4_000, output_tokens: 200 }, "claude-haiku-4-5", {
      providerId: "anthropic",
    });
    expect(catalog!.total_price).toBeCloseTo(0.0024, 12);
  });

  it("prices Anthropic 5-minute cache writes at the 5-minute write rate", async () => {
    const { attempt, report } = await runCase("[case:anthropic-write-5m]", "claude-haiku-4-5");
    // 1,000 × 1 + 3,000 × 1.25 + 200 × 5 = 5,750 per million.
    expect(attempt).toEqual({
      input_tokens: 4_000,
      output_tokens: 200,
      cache_read_tokens: 0,
      cache_write_tokens: 3_000,
      cache_write_1h_tokens: 0,
      cost_usd: "0.005750000000",
    });
    expect(report.rows).toMatchObject([{ cacheWriteTokens: 3_000, cacheWrite1hTokens: 0, costUsd: "0.00575" }]);
    expect(report.summary).toMatchObject({ costUsd: "0.00575", baselineCostUsd: "0.02875" }); // 5,000 + 18,750 + 5,000
    const catalog = calcPrice({ input_tokens: 4_000, cache_write_tokens: 3_000, output_tokens: 200 }, "claude-haiku-4-5", {
      providerId: "anthropic",
    });
    expect(catalog!.total_price).toBeCloseTo(0.00575, 12);
  });

  it("prices Anthropic 1-hour cache writes at the 1-hour write rate", async () => {
    const { attempt, report } = await runCase("[case:anthropic-write-1h]", "claude-haiku-4-5");
    // 1,000 × 1 + 3,000 × 2 + 200 × 5 = 8,000 per million.
    expect(attempt).toEqual({
      input_tokens: 4_000,
      output_tokens: 200,
      cache_read_tokens: 0,
      cache_write_tokens: 3_000,
      cache_write_1h_tokens: 3_000,
      cost_usd: "0.008000000000",
    });
    expect(report.rows).toMatchObject([{ cacheWriteTokens: 3_000, cacheWrite1hTokens: 3_000, costUsd: "0.008" }]);
    expect(report.summary).toMatchObject({ costUsd: "0.008", baselineCostUsd: "0.04" }); // 5,000 + 30,000 + 5,000
  });

  it("prices OpenAI cached prompt tokens at the cached-input rate", async () => {
    const { attempt, report } = await runCase("[case:openai-cached]", "gpt-5-mini");
    // 1,000 uncached × 0.25 + 4,000 cached × 0.025 + 200 out × 2 = 750 per million.
    expect(attempt).toEqual({
      input_tokens: 5_000,
      output_tokens: 200,
      cache_read_tokens: 4_000,
      cache_write_tokens: 0,
      cache_write_1h_tokens: 0,
      cost_usd: "0.000750000000",
    });
    expect(report.rows).toMatchObject([{ group: { model: "gpt-5-mini" }, cacheReadTokens: 4_000, costUsd: "0.00075" }]);
    const catalog = calcPrice({ input_tokens: 5_000, cache_read_tokens: 4_000, output_tokens: 200 }, "gpt-5-mini", {
      providerId: "openai",
    });
    expect(catalog!.total_price).toBeCloseTo(0.00075, 12);
  });

  it("adds the four up exactly in the all-time report", async () => {
    const report = await buildReport(testDb.database.db, ["provider"]);
    expect(report.summary.costUsd).toBe("0.0169"); // 0.0024 + 0.00575 + 0.008 + 0.00075
    expect(report.rows.map((row) => [row.group.provider, row.costUsd])).toEqual([
      ["anthropic", "0.01615"],
      ["openai", "0.00075"],
    ]);
  });
});
