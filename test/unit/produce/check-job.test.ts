import { describe, expect, it } from "vitest";
import { routerConfigSchema } from "../../../src/config/router-config-schema.js";
import { checkJob, largestContextWindow } from "../../../src/produce/check-job.js";

const CONFIG = routerConfigSchema.parse({
  tiers: [
    {
      name: "cheap",
      models: [
        { provider: "openai", model: "small-a", contextWindow: 1000 },
        { provider: "anthropic", model: "small-b", contextWindow: 800 },
      ],
    },
    { name: "top", models: [{ provider: "anthropic", model: "big", contextWindow: 600 }] },
  ],
});
const WINDOW = largestContextWindow(CONFIG);

describe("largestContextWindow", () => {
  it("is the largest window of any model in any tier", () => {
    expect(WINDOW).toBe(1000);
    expect(largestContextWindow(routerConfigSchema.parse({ tiers: [{ name: "a", models: [{ provider: "openai", model: "m" }] }] }))).toBe(
      200_000,
    );
  });
});

describe("checkJob: extract schemas (issue 16 item 12)", () => {
  it("refuses a schema that is not valid JSON Schema, naming the problem", () => {
    const check = checkJob({ kind: "extract", prompt: "invoice", schema: { type: "object", required: "vendor" } }, CONFIG, WINDOW);
    expect(check).toEqual({ ok: false, reason: "schema is not a valid JSON Schema: at /required: must be array" });
    const badType = checkJob({ kind: "extract", prompt: "invoice", schema: { type: "objekt" } }, CONFIG, WINDOW);
    expect(badType.ok).toBe(false);
  });

  it("accepts a valid schema", () => {
    expect(checkJob({ kind: "extract", prompt: "invoice", schema: { type: "array", items: { type: "string" } } }, CONFIG, WINDOW).ok).toBe(
      true,
    );
  });
});

describe("checkJob", () => {
  it("accepts a good job and returns the parsed job", () => {
    expect(checkJob({ kind: "classify", prompt: "refund please", labels: [" billing", "shipping"] }, CONFIG, WINDOW)).toEqual({
      ok: true,
      job: { kind: "classify", prompt: "refund please", labels: ["billing", "shipping"] },
    });
  });

  it("accepts a job forcing a tier or a model that the config has", () => {
    expect(checkJob({ kind: "generate", prompt: "a", tier: "top" }, CONFIG, WINDOW)).toEqual({
      ok: true,
      job: { kind: "generate", prompt: "a", tier: "top" },
    });
    expect(checkJob({ kind: "generate", prompt: "a", model: "small-b" }, CONFIG, WINDOW).ok).toBe(true);
  });

  it("accepts a prompt of exactly the largest window (~4 characters a token)", () => {
    expect(checkJob({ kind: "generate", prompt: "x".repeat(4000) }, CONFIG, WINDOW).ok).toBe(true);
  });

  it("rejects a prompt larger than every model's context window", () => {
    expect(checkJob({ kind: "generate", prompt: "x".repeat(4001) }, CONFIG, WINDOW)).toEqual({
      ok: false,
      reason: "prompt is ~1001 tokens, more than any configured model accepts (largest context window: 1000)",
    });
  });

  it("counts the system prompt, the kind's instructions and every message toward the size", () => {
    expect(
      checkJob(
        {
          kind: "generate",
          system: "s".repeat(2000),
          messages: [
            { role: "user", content: "u".repeat(1000) },
            { role: "assistant", content: "a".repeat(500) },
            { role: "user", content: "u".repeat(501) },
          ],
        },
        CONFIG,
        WINDOW,
      ),
    ).toEqual({ ok: false, reason: "prompt is ~1001 tokens, more than any configured model accepts (largest context window: 1000)" });
    // summarize adds a 79-character instruction: (79 + 3990) / 4 → 1018 tokens
    expect(checkJob({ kind: "summarize", prompt: "x".repeat(3990) }, CONFIG, WINDOW)).toEqual({
      ok: false,
      reason: "prompt is ~1018 tokens, more than any configured model accepts (largest context window: 1000)",
    });
    expect(checkJob({ kind: "generate", prompt: "x".repeat(3990) }, CONFIG, WINDOW).ok).toBe(true);
  });

  it("rejects an unknown forced tier, listing the tiers", () => {
    expect(checkJob({ kind: "generate", prompt: "a", tier: "gold" }, CONFIG, WINDOW)).toEqual({
      ok: false,
      reason: 'unknown tier "gold" (tiers: cheap, top)',
    });
  });

  it("rejects an unknown forced model, listing the models", () => {
    expect(checkJob({ kind: "generate", prompt: "a", model: "gpt-9" }, CONFIG, WINDOW)).toEqual({
      ok: false,
      reason: 'unknown model "gpt-9" (configured models: small-a, small-b, big)',
    });
  });

  it("reports both an unknown tier and an unknown model", () => {
    const result = checkJob({ kind: "generate", prompt: "a", tier: "gold", model: "gpt-9" }, CONFIG, WINDOW);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).toBe(
      'unknown tier "gold" (tiers: cheap, top); unknown model "gpt-9" (configured models: small-a, small-b, big)',
    );
  });

  it("rejects an invalid job with the schema's messages before anything else", () => {
    expect(checkJob({ kind: "classify", prompt: "x".repeat(10_000), labels: ["one"], tier: "gold" }, CONFIG, WINDOW)).toEqual({
      ok: false,
      reason: "labels: classify needs at least two labels",
    });
    expect(checkJob("not an object", CONFIG, WINDOW)).toEqual({ ok: false, reason: "Invalid input: expected object, received string" });
  });
});
