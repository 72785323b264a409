import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelConfigSchema, type ProviderName } from "../../src/config/router-config-schema.js";
import { buildPrompt } from "../../src/jobs/build-prompt.js";
import type { JobInput } from "../../src/jobs/job-schema.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { createLedgerWriter } from "../../src/ledger/ledger-writer.js";
import { flatRate, type ModelRates } from "../../src/pricing/model-rates.js";
import { createAnthropicProvider } from "../../src/providers/anthropic-provider.js";
import { createOpenAIProvider } from "../../src/providers/openai-provider.js";
import { callModel } from "../../src/tiers/call-model.js";
import { useFakeLlm } from "../helpers/fake-llm/sdk-clients.js";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.js";

/**
 * A misbehaving endpoint (the fake provider's `misbehave` key) against the real adapters, the real
 * boundary check and a real Postgres write: every answer becomes one stored, priced attempt, and
 * nothing is left for the writer to retry forever.
 */
const RATES: ModelRates = {
  source: "config",
  input: flatRate(1_000_000n),
  output: flatRate(4_000_000n),
  cacheRead: flatRate(100_000n),
  cacheWrite: flatRate(1_250_000n),
  cacheWrite1h: flatRate(2_000_000n),
};
const JOB: JobInput = { kind: "classify", prompt: "I was charged twice this month", labels: ["billing", "bug"] };

describe("answers the ledger cannot hold, checked at the provider boundary", () => {
  const startFake = useFakeLlm();
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(() => testDb?.drop());

  async function call(provider: ProviderName, misbehave: string) {
    const fake = await startFake({ models: { "*": { misbehave } } } as never);
    const client =
      provider === "openai"
        ? createOpenAIProvider({ apiKey: "test", baseURL: `${fake.url}/v1` })
        : createAnthropicProvider({ apiKey: "test", baseURL: fake.url });
    const model = modelConfigSchema.parse({ provider, model: provider === "openai" ? "gpt-5-mini" : "claude-haiku-4-5", timeoutMs: 5_000 });
    const result = await callModel(client, model, {
      requestId: `req-${randomUUID()}`,
      attemptNo: 1,
      tier: "cheap",
      job: JOB,
      prompt: buildPrompt(JOB),
      rates: RATES,
      now: () => new Date(),
    });
    // The write that used to fail (and be retried forever) must now commit.
    const writer = createLedgerWriter(testDb.database.db);
    await writer.write([result.record]);
    await writer.close();
    const [row] = await queryRows<Record<string, string | boolean | null>>(
      testDb.database.db,
      sql`select outcome, error_type, input_tokens::text, output_tokens::text, cost_usd::text, cost_estimated, usage_issue
          from attempts where id = ${result.record.id}::uuid`,
    );
    return { result, row: row! };
  }

  for (const provider of ["openai", "anthropic"] as const) {
    it(`${provider}: an answer with a NUL is an invalid answer, stored and priced`, async () => {
      const { result, row } = await call(provider, "nul_answer");
      expect(result.failure).toEqual({ kind: "invalid" });
      expect(result.failureReason).toMatch(/NUL character/);
      expect(row).toMatchObject({ outcome: "invalid", error_type: "unstorable_output", cost_estimated: false, usage_issue: null });
      expect(Number(row.cost_usd)).toBeGreaterThan(0);
    });

    it.each([
      ["no_usage", "missing"],
      ["negative_usage", "negative"],
      ["huge_usage", "out_of_range"],
    ])(`${provider}: %s is recorded as usage_issue %s, priced from the estimate`, async (misbehave, issue) => {
      const { result, row } = await call(provider, misbehave);
      expect(result.record.outcome).toBe("ok");
      expect(row).toMatchObject({ outcome: "ok", cost_estimated: true, usage_issue: issue });
      const estimatedInput = Math.ceil((buildPrompt(JOB).system.length + JOB.prompt!.length) / 4);
      expect(Number(row.input_tokens)).toBe(estimatedInput);
      expect(Number(row.output_tokens)).toBeGreaterThan(0);
      expect(Number(row.cost_usd)).toBeGreaterThan(0);
    });

    it(`${provider}: a body that is not the protocol's JSON is error_type malformed_response`, async () => {
      const { result, row } = await call(provider, "not_json");
      expect(result.record.outcome).toBe("error");
      expect(row).toMatchObject({ outcome: "error", error_type: "malformed_response" });
      expect(result.failure).toMatchObject({ kind: "error", retryable: false, escalate: true });
    });
  }
});
