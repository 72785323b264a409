import { calcPrice } from "@pydantic/genai-prices";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";

interface PricedAttempt {
  model: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: string;
  expected_usd: string;
}

/**
 * Cost = tokens × catalog price, with cache tokens at their own rates. The expected figure is computed
 * in SQL from the per-million prices written out here, so the check does not reuse the code under test;
 * the catalog library's own float total is a second, independent witness.
 */
describe("pricing recorded calls", () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline({
      scenario: {
        seed: 5,
        models: {
          "claude-haiku-4-5": { cacheReadTokens: 40, cacheWriteTokens: 25, outputTokens: 30 },
          "gpt-5-mini": { cacheReadTokens: 50, outputTokens: 20 },
        },
      },
    });
  });
  afterAll(() => pipeline?.close());

  it("prices Anthropic cache reads and writes and OpenAI cached prompt tokens as the catalog says", async () => {
    const prompt = "Summarize: ".concat("The quarterly review covered revenue, churn and hiring plans in detail. ".repeat(30));
    const { batchId } = await pipeline.producer.enqueueJobs(
      [
        { id: "price-anthropic", kind: "summarize", model: "claude-haiku-4-5", prompt },
        { id: "price-openai", kind: "summarize", model: "gpt-5-mini", prompt },
      ],
      { batchName: "pricing" },
    );
    await pipeline.waitForBatch(batchId);

    // USD per million tokens, from the catalog: haiku 4.5 in 1 / cache write 1.25 / cache read 0.10 / out 5;
    // gpt-5-mini in 0.25 / cached 0.025 / out 2.
    const rows = await queryRows<PricedAttempt>(
      pipeline.testDb.database.db,
      sql`select model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd::text,
            (case model
              when 'claude-haiku-4-5' then (input_tokens - cache_read_tokens - cache_write_tokens) * 1.0
                                          + cache_read_tokens * 0.10 + cache_write_tokens * 1.25 + output_tokens * 5.0
              when 'gpt-5-mini' then (input_tokens - cache_read_tokens) * 0.25 + cache_read_tokens * 0.025 + output_tokens * 2.0
            end / 1000000)::numeric(20, 12)::text as expected_usd
          from attempts order by model`,
    );
    expect(rows.map((row) => row.model)).toEqual(["claude-haiku-4-5", "gpt-5-mini"]);
    for (const row of rows) {
      expect(row.cache_read_tokens).toBeGreaterThan(0);
      expect(row.cost_usd).toBe(row.expected_usd);
      const catalog = calcPrice(
        {
          input_tokens: row.input_tokens,
          output_tokens: row.output_tokens,
          cache_read_tokens: row.cache_read_tokens,
          cache_write_tokens: row.cache_write_tokens,
        },
        row.model,
        { providerId: row.model.startsWith("claude") ? "anthropic" : "openai" },
      );
      expect(Number(row.cost_usd)).toBeCloseTo(catalog!.total_price, 12);
    }
    const anthropic = rows.find((row) => row.model === "claude-haiku-4-5")!;
    expect(anthropic.cache_write_tokens).toBe(25);

    // The baseline prices the answering call's tokens on the top tier's primary model (claude-opus-4-7:
    // in 5 / cache write 6.25 / cache read 0.50 / out 25), so routing's saving is measurable per request.
    const [baseline] = await queryRows<{ baseline: string; expected: string }>(
      pipeline.testDb.database.db,
      sql`select r.baseline_cost_usd::text as baseline,
            (((a.input_tokens - a.cache_read_tokens - a.cache_write_tokens) * 5.0 + a.cache_read_tokens * 0.5
              + a.cache_write_tokens * 6.25 + a.output_tokens * 25.0) / 1000000)::numeric(20, 12)::text as expected
          from requests r join attempts a on a.request_id = r.id where r.id = 'price-anthropic'`,
    );
    expect(baseline!.baseline).toBe(baseline!.expected);
  });
});
