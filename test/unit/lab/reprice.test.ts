import { describe, expect, it } from "vitest";
import { parseRouterConfig } from "../../../src/config/load-config.js";
import type { RouterConfig } from "../../../src/config/router-config-schema.js";
import { costOf } from "../../../src/pricing/model-rates.js";
import { buildPriceBook } from "../../../src/pricing/price-book.js";
import type { TokenUsage } from "../../../src/pricing/usage.js";
import { repriceRequest, summarizeReprice, type RecordedRequest } from "../../../src/lab/reprice.js";

/** Three tiers, every model priced by override, at `factor` times the base prices. */
function config(factor: number, thresholds = [0.35, 0.65]): RouterConfig {
  const price = (input: number, output: number) => ({
    inputMtok: String(input * factor),
    outputMtok: String(output * factor),
    cacheReadMtok: String((input * factor) / 10),
  });
  return parseRouterConfig({
    tiers: [
      {
        name: "cheap",
        concurrency: 4,
        models: [
          { provider: "openai", model: "gpt-5-mini", price: price(0.25, 2) },
          { provider: "anthropic", model: "claude-haiku-4-5", price: price(1, 5) },
        ],
      },
      { name: "balanced", concurrency: 4, models: [{ provider: "anthropic", model: "claude-sonnet-4-6", price: price(3, 15) }] },
      { name: "premium", concurrency: 2, models: [{ provider: "anthropic", model: "claude-opus-4-7", price: price(5, 25) }] },
    ],
    routing: { thresholds },
  });
}

const usage = (input: number, output: number, cacheRead = 0): TokenUsage => ({
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: cacheRead,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
});

/** Recorded traffic priced by the base config, as the ledger would hold it; odd token counts so rounding would show. */
function traffic(): RecordedRequest[] {
  const base = config(1);
  const book = buildPriceBook(base);
  const tierOf = (score: number) => (score < 0.35 ? "cheap" : score < 0.65 ? "balanced" : "premium");
  const modelOf = {
    cheap: ["openai", "gpt-5-mini"],
    balanced: ["anthropic", "claude-sonnet-4-6"],
    premium: ["anthropic", "claude-opus-4-7"],
  } as const;
  return Array.from({ length: 200 }, (_, index) => {
    const score = ((index * 37) % 200) / 200;
    const tier = tierOf(score);
    const [provider, model] = modelOf[tier];
    const calls: { tier: string; provider: "openai" | "anthropic"; model: string; outcome: string; usage: TokenUsage }[] = [
      { tier, provider, model, outcome: "ok", usage: usage(101 + index * 7, 33 + index * 3, index % 5 === 0 ? 50 : 0) },
    ];
    // Some cheap requests had an invalid answer from haiku before gpt-5-mini answered: every attempt is repriced.
    if (tier === "cheap" && index % 7 === 0)
      calls.unshift({ tier, provider: "anthropic", model: "claude-haiku-4-5", outcome: "invalid", usage: usage(97, 11) });
    return {
      id: `r${index}`,
      status: "succeeded",
      initialTier: tier,
      finalTier: tier,
      classifier: index % 50 === 0 ? "rule" : "heuristic",
      score,
      shadowAgrees: tier === "cheap" && index % 3 === 0 ? index % 2 === 0 : null,
      attempts: calls.map((call) => ({ ...call, cost: costOf(call.usage, book.ratesFor(call.provider, call.model)) })),
    };
  });
}

function reprice(requests: RecordedRequest[], other: RouterConfig) {
  const policy = { config: other, priceBook: buildPriceBook(other), thresholds: other.routing.thresholds! };
  return summarizeReprice(
    requests.map((request) => repriceRequest(request, policy)),
    requests,
    other,
  );
}

describe("reprice", () => {
  it("with every price doubled (same models, same thresholds) is exactly twice the actual cost, to the picodollar", () => {
    const requests = traffic();
    const summary = reprice(requests, config(2));
    expect(summary.actual).toBeGreaterThan(0n);
    expect(summary.repriced).toBe(2n * summary.actual);
    expect(summary.topShareRepriced).toBe(summary.topShareActual);
    for (const group of summary.groups) expect(group.repriced).toBe(2n * group.actual);
  });

  it("with the same config is exactly the actual cost", () => {
    const summary = reprice(traffic(), config(1));
    expect(summary.repriced).toBe(summary.actual);
  });

  it("other thresholds move the top share to what the scores predict, and the cost with it", () => {
    const requests = traffic();
    const lower = reprice(requests, config(1, [0.35, 0.4]));
    const scored = requests.filter((request) => request.classifier !== "rule");
    const rules = requests.filter((request) => request.classifier === "rule");
    const predicted =
      (scored.filter((request) => request.score! >= 0.4).length + rules.filter((request) => request.initialTier === "premium").length) /
      requests.length;
    expect(lower.topShareRepriced).toBeCloseTo(predicted, 12);
    expect(lower.topShareRepriced).toBeGreaterThan(lower.topShareActual);
    expect(lower.repriced).toBeGreaterThan(lower.actual);
    expect(lower.kept.rule).toBe(rules.length);

    const higher = reprice(requests, config(1, [0.35, 0.9]));
    expect(higher.topShareRepriced).toBeLessThan(higher.topShareActual);
    expect(higher.repriced).toBeLessThan(higher.actual);
    // Moved down: priced on the balanced model from the answer's tokens.
    const moved = higher.groups.find((group) => group.actual_tier === "premium" && group.repriced_tier === "balanced")!;
    expect(moved.basis.answer_tokens).toBe(moved.requests);
  });

  it("prices a move onto a model the request already called with that call's tokens", () => {
    const book = buildPriceBook(config(1));
    const haikuCall = { tier: "cheap", provider: "anthropic" as const, model: "claude-haiku-4-5", outcome: "ok", usage: usage(400, 90) };
    const request: RecordedRequest = {
      id: "x",
      status: "succeeded",
      initialTier: "premium",
      finalTier: "premium",
      classifier: "heuristic",
      score: 0.1,
      shadowAgrees: null,
      attempts: [{ ...haikuCall, cost: costOf(haikuCall.usage, book.ratesFor("anthropic", "claude-haiku-4-5")) }],
    };
    // Another config whose cheap tier is haiku alone.
    const other = parseRouterConfig({
      tiers: [
        {
          name: "cheap",
          concurrency: 1,
          models: [{ provider: "anthropic", model: "claude-haiku-4-5", price: { inputMtok: "1", outputMtok: "5" } }],
        },
        {
          name: "premium",
          concurrency: 1,
          models: [{ provider: "anthropic", model: "claude-opus-4-7", price: { inputMtok: "5", outputMtok: "25" } }],
        },
      ],
      routing: { thresholds: [0.5] },
    });
    const row = repriceRequest(request, { config: other, priceBook: buildPriceBook(other), thresholds: [0.5] });
    expect(row.basis).toBe("model_call");
    expect(row.repricedTier).toBe("cheap");
    expect(row.repriced).toBe(400n * 1_000_000n + 90n * 5_000_000n);
  });
});
