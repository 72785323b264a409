import { describe, expect, it } from "vitest";
import { modelConfigSchema } from "../../../src/config/router-config-schema.js";
import { buildPrompt, estimateTokens } from "../../../src/jobs/build-prompt.js";
import type { JobInput } from "../../../src/jobs/job-schema.js";
import { decodeAttempt, encodeAttempt } from "../../../src/ledger/record-codec.js";
import { abandonedAttempt } from "../../../src/ledger/records.js";
import { flatRate, type ModelRates } from "../../../src/pricing/model-rates.js";
import { ZERO_USAGE } from "../../../src/pricing/usage.js";
import type { ProviderClient } from "../../../src/providers/provider-client.js";
import { callModel } from "../../../src/tiers/call-model.js";

const RATES: ModelRates = {
  source: "config",
  input: flatRate(1_000_000n),
  output: flatRate(4_000_000n),
  cacheRead: flatRate(100_000n),
  cacheWrite: flatRate(1_250_000n),
  cacheWrite1h: flatRate(2_000_000n),
};
const JOB: JobInput = { kind: "classify", prompt: "charged twice", labels: ["billing", "bug"], maxOutputTokens: 50 };

describe("an abandoned call's exposure (issue 16, item 2)", () => {
  it("callModel notes, before the call, its prompt at the input rate up to that plus its max output", async () => {
    const noted: unknown[] = [];
    const provider: ProviderClient = {
      name: "openai",
      complete: async () => ({ text: "billing", usage: { ...ZERO_USAGE, inputTokens: 10, outputTokens: 1 } }),
    };
    await callModel(provider, modelConfigSchema.parse({ provider: "openai", model: "m" }), {
      requestId: "r",
      attemptNo: 1,
      tier: "cheap",
      job: JOB,
      prompt: buildPrompt(JOB),
      rates: RATES,
      now: () => new Date(),
      onStart: async (_id, _at, exposure) => void noted.push(exposure),
    });
    const prompt = estimateTokens(buildPrompt(JOB));
    expect(noted).toEqual([
      { lowPicodollars: String(BigInt(prompt) * 1_000_000n), highPicodollars: String(BigInt(prompt) * 1_000_000n + 50n * 4_000_000n) },
    ]);
  });

  it("an abandoned row keeps cost 0 and carries the exposure, flagged estimated, through the journal's codec", () => {
    const record = abandonedAttempt(
      {
        id: "00000000-0000-4000-8000-000000000001",
        attemptNo: 2,
        tier: "cheap",
        provider: "openai",
        model: "m",
        startedAt: "2026-03-01T00:00:00.000Z",
        exposure: { lowPicodollars: "1000", highPicodollars: "5000" },
      },
      "r",
      new Date("2026-03-01T00:00:01.000Z"),
    );
    expect(record).toMatchObject({
      outcome: "abandoned",
      cost: 0n,
      costEstimated: true,
      possiblyBilled: { low: 1000n, high: 5000n },
      latencyMs: 1000,
    });
    expect(decodeAttempt(encodeAttempt(record))).toEqual(record);
  });

  it("without a noted exposure (a journal from an older worker) the row is exact and has none", () => {
    const record = abandonedAttempt(
      { id: "x", attemptNo: 1, tier: "cheap", provider: "openai", model: "m", startedAt: "2026-03-01T00:00:00.000Z" },
      "r",
      new Date("2026-03-01T00:00:00.000Z"),
    );
    expect(record.possiblyBilled).toBeUndefined();
    expect(record.costEstimated).toBeUndefined();
  });
});
