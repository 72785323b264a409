import { describe, expect, it } from "vitest";
import { buildPrompt, estimateTokens } from "../../../src/jobs/build-prompt.js";
import type { JobInput } from "../../../src/jobs/job-schema.js";
import { decodeAttempt, encodeAttempt } from "../../../src/ledger/record-codec.js";
import { abandonedAttempt } from "../../../src/ledger/records.js";
import type { ProviderClient } from "../../../src/providers/provider-client.js";
import type { TierJobInput } from "../../../src/queue/job-payloads.js";
import { journalRunId } from "../../../src/guards/request-journal.js";
import { createTierProcessor } from "../../../src/tiers/tier-processor.js";
import { inMemoryStage } from "../../helpers/in-memory-stage.js";
import { testConfig } from "../../helpers/pipeline.js";

const JOB: JobInput = { kind: "classify", prompt: "charged twice", labels: ["billing", "bug"], maxOutputTokens: 50 };

describe("an abandoned call's exposure (issue 16, item 2)", () => {
  it("a tier run notes, before the call, its prompt at the input rate up to that plus its max output", async () => {
    const stage = inMemoryStage(testConfig({}));
    // The call never returns: the journal's note is all there is of it.
    const never: ProviderClient = { name: "openai", complete: () => new Promise(() => {}) };
    stage.live.providers = new Map([["openai", never]]);
    const data: TierJobInput = {
      requestId: "r",
      batchId: "b",
      enqueuedAt: "2026-11-01T00:00:00Z",
      job: JOB,
      route: { initialTier: "cheap", classifier: "heuristic", reason: "test", score: 0.1 },
      escalations: 0,
      attemptsSoFar: 0,
      costSoFarPico: "0",
      history: [],
    };
    stage.deps.ledger.addRequests(["r"]);
    void createTierProcessor("cheap", stage.deps)(data, "r", true);
    const runId = journalRunId("r", "cheap");
    while ((await stage.deps.journal.load(runId)).inFlight.length === 0) await new Promise((resolve) => setImmediate(resolve));

    const [noted] = (await stage.deps.journal.load(runId)).inFlight;
    const rates = stage.live.priceBook.ratesFor("openai", "gpt-5-mini");
    const prompt = BigInt(estimateTokens(buildPrompt(JOB)));
    // A short prompt: the models' base rates (no long-context step applies).
    expect(noted!.exposure).toEqual({
      lowPicodollars: String(prompt * rates.input.base),
      highPicodollars: String(prompt * rates.input.base + 50n * rates.output.base),
    });
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
