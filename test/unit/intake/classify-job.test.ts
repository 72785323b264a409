import { describe, expect, it } from "vitest";
import { routerConfigSchema, type RouterConfig } from "../../../src/config/router-config-schema.js";
import { MAX_PROMPT_CHARS } from "../../../src/jobs/job-schema.js";
import { classifyJob, complexityScore, extractSignals, tierIndexForScore, validateRoutingTargets } from "../../../src/intake/index.js";
import { CODE_REVIEW, loadDefaultConfig, makeJob, NEWS_ARTICLE, TICKET } from "../../helpers/intake/fixtures.js";

const config = loadDefaultConfig();

/** The shipped config with overrides, re-validated by the real schema. */
function configWith(overrides: Record<string, unknown>): RouterConfig {
  return routerConfigSchema.parse({ ...config, ...overrides });
}

describe("the shipped config", () => {
  it("has the three tiers, the legal-review feature and the generate floor these tests rely on", () => {
    expect(config.tiers.map((tier) => tier.name)).toEqual(["cheap", "balanced", "premium"]);
    expect(config.features["legal-review"]).toBe("premium");
    expect(config.kindFloors.generate).toBe("balanced");
    expect(config.tiers[1]!.models.map((entry) => entry.model)).toContain("claude-sonnet-4-6");
  });
});

describe("tierIndexForScore", () => {
  it("uses [0.35, 0.65] for three tiers, lower bound inclusive", () => {
    expect(tierIndexForScore(0, 3)).toBe(0);
    expect(tierIndexForScore(0.3499, 3)).toBe(0);
    expect(tierIndexForScore(0.35, 3)).toBe(1);
    expect(tierIndexForScore(0.6499, 3)).toBe(1);
    expect(tierIndexForScore(0.65, 3)).toBe(2);
    expect(tierIndexForScore(1, 3)).toBe(2);
  });

  it("spaces thresholds evenly for other tier counts", () => {
    expect(tierIndexForScore(1, 1)).toBe(0);
    expect(tierIndexForScore(0.4999, 2)).toBe(0);
    expect(tierIndexForScore(0.5, 2)).toBe(1);
    expect([0.1, 0.25, 0.49, 0.5, 0.74, 0.75, 0.99].map((score) => tierIndexForScore(score, 4))).toEqual([0, 1, 1, 2, 2, 3, 3]);
  });

  it("takes explicit thresholds and caps at the top tier", () => {
    expect(tierIndexForScore(0.2, 3, [0.1, 0.9])).toBe(1);
    expect(tierIndexForScore(0.95, 3, [0.1, 0.9])).toBe(2);
    expect(tierIndexForScore(0.95, 2, [0.1, 0.5, 0.9])).toBe(1);
  });

  it("clamps out-of-range scores and treats NaN as 0", () => {
    expect(tierIndexForScore(-3, 3)).toBe(0);
    expect(tierIndexForScore(7, 3)).toBe(2);
    expect(tierIndexForScore(Number.NaN, 3)).toBe(0);
  });

  it("rejects a bad tier count or unsorted thresholds", () => {
    expect(() => tierIndexForScore(0.5, 0)).toThrow(/tierCount/);
    expect(() => tierIndexForScore(0.5, 2.5)).toThrow(/tierCount/);
    expect(() => tierIndexForScore(0.5, 3, [0.7, 0.3])).toThrow(/ascending/);
  });
});

describe("classifyJob: rules", () => {
  it("a forced tier wins over everything, with signals and score still computed", () => {
    const job = makeJob({ kind: "generate", prompt: CODE_REVIEW, tier: "cheap", model: "claude-opus-4-7", feature: "legal-review" });
    const decision = classifyJob(job, config);
    expect(decision).toMatchObject({ tier: "cheap", reason: "forced tier cheap", classifier: "rule" });
    expect(decision.signals).toEqual(extractSignals(job));
    expect(decision.score).toBe(complexityScore(decision.signals, "generate"));
    expect(decision.score).toBeGreaterThan(0.7);
  });

  it("a forced tier is not raised by the kind floor", () => {
    const decision = classifyJob(makeJob({ kind: "generate", tier: "cheap" }), config);
    expect(decision.tier).toBe("cheap");
  });

  it("a forced model picks the lowest tier that has it, over the feature rule", () => {
    const decision = classifyJob(makeJob({ kind: "classify", model: "claude-sonnet-4-6", feature: "legal-review" }), config);
    expect(decision).toMatchObject({
      tier: "balanced",
      reason: "forced model claude-sonnet-4-6 → balanced",
      classifier: "rule",
    });
  });

  it("a model listed in several tiers goes to the cheapest of them", () => {
    const shared = configWith({
      tiers: config.tiers.map((tier) =>
        tier.name === "premium" ? { ...tier, models: [...tier.models, { provider: "openai", model: "gpt-5-mini" }] } : tier,
      ),
    });
    expect(classifyJob(makeJob({ kind: "generate", prompt: CODE_REVIEW, model: "gpt-5-mini" }), shared).tier).toBe("cheap");
    expect(classifyJob(makeJob({ kind: "generate", model: "gpt-5.2" }), shared).tier).toBe("premium");
  });

  it("a feature rule beats the heuristic and the kind floor", () => {
    const legal = classifyJob(makeJob({ kind: "classify", feature: "legal-review" }), config);
    expect(legal).toMatchObject({ tier: "premium", reason: "feature legal-review → premium", classifier: "rule" });
    expect(legal.score).toBeLessThan(0.35);

    const cheapFeature = configWith({ features: { "bulk-drafts": "cheap" } });
    const drafted = classifyJob(makeJob({ kind: "generate", prompt: CODE_REVIEW, feature: "bulk-drafts" }), cheapFeature);
    expect(drafted).toMatchObject({ tier: "cheap", reason: "feature bulk-drafts → cheap", classifier: "rule" });
  });

  it("an unmapped feature falls through to the heuristic, even one named like an Object property", () => {
    for (const feature of ["newsletter", "constructor", "toString", "__proto__"]) {
      const decision = classifyJob(makeJob({ kind: "classify", feature }), config);
      expect(decision.classifier).toBe("heuristic");
      expect(decision.tier).toBe("cheap");
    }
  });

  it("throws on an unknown tier, naming it and the known tiers", () => {
    const job = makeJob({ kind: "classify", tier: "gold" });
    expect(() => classifyJob(job, config)).toThrow('unknown tier "gold" (tiers: cheap, balanced, premium)');
  });

  it("throws on an unknown model, naming it and the configured models", () => {
    const job = makeJob({ kind: "classify", model: "gpt-9" });
    expect(() => classifyJob(job, config)).toThrow(
      'unknown model "gpt-9" (configured models: gpt-5-mini, claude-haiku-4-5, claude-sonnet-4-6, gpt-5.1, claude-opus-4-7, gpt-5.2)',
    );
  });
});

describe("classifyJob: heuristic", () => {
  it("sends a one-line ticket to the cheapest tier", () => {
    const decision = classifyJob(makeJob({ kind: "classify" }), config);
    expect(decision).toMatchObject({ tier: "cheap", classifier: "heuristic" });
    expect(decision.reason).toMatch(/^heuristic score 0\.\d\d \(.+\) → cheap$/);
  });

  it("scores a multi-question code review with fenced code above a ticket and sends it to premium", () => {
    const ticket = classifyJob(makeJob({ kind: "classify" }), config);
    const review = classifyJob(makeJob({ kind: "generate", prompt: CODE_REVIEW }), config);
    expect(review.score).toBeGreaterThan(ticket.score);
    expect(review.tier).toBe("premium");
    expect(review.classifier).toBe("heuristic");
    expect(review.reason).toBe(
      `heuristic score ${review.score.toFixed(2)} (reasoning terms ${review.signals.reasoningTerms}, code blocks 2, questions 4) → premium`,
    );
  });

  it("applies a kind's ceiling to a score and says so in the reason; a forced tier is not capped", () => {
    const capped = routerConfigSchema.parse({ ...config, kindFloors: {}, kindCeilings: { generate: "cheap" } });
    const decision = classifyJob(makeJob({ kind: "generate", prompt: CODE_REVIEW }), capped);
    expect(decision.tier).toBe("cheap");
    expect(decision.reason).toMatch(/kind ceiling for generate; score alone → premium/);
    expect(classifyJob(makeJob({ kind: "generate", prompt: CODE_REVIEW, tier: "premium" }), capped).tier).toBe("premium");
  });

  it("keeps a news article to summarize out of premium", () => {
    const decision = classifyJob(makeJob({ kind: "summarize", prompt: NEWS_ARTICLE }), config);
    expect(decision.tier).not.toBe("premium");
    expect(decision.reason).toContain("tokens");
  });

  it("raises a job to its kind floor and says so", () => {
    const decision = classifyJob(makeJob({ kind: "generate", prompt: "Write a haiku about tea." }), config);
    expect(decision.tier).toBe("balanced");
    expect(decision.classifier).toBe("heuristic");
    expect(decision.score).toBeLessThan(0.35);
    expect(decision.reason).toMatch(/→ balanced \(kind floor for generate; score alone → cheap\)$/);
  });

  it("never lowers a job to its kind floor", () => {
    const decision = classifyJob(makeJob({ kind: "generate", prompt: CODE_REVIEW }), config);
    expect(decision.tier).toBe("premium");
    expect(decision.reason).not.toContain("kind floor");

    const strictClassify = configWith({ kindFloors: { classify: "premium" } });
    expect(classifyJob(makeJob({ kind: "classify" }), strictClassify).tier).toBe("premium");
    const lowFloor = configWith({ kindFloors: { generate: "cheap" } });
    expect(classifyJob(makeJob({ kind: "generate", prompt: CODE_REVIEW }), lowFloor).tier).toBe("premium");
  });

  it("works with a single tier and with two tiers", () => {
    const one = configWith({ tiers: [config.tiers[0]], kindFloors: {}, features: {} });
    expect(classifyJob(makeJob({ kind: "generate", prompt: CODE_REVIEW }), one).tier).toBe("cheap");
    const two = configWith({ tiers: [config.tiers[0], config.tiers[2]], kindFloors: {}, features: {} });
    expect(classifyJob(makeJob({ kind: "generate", prompt: CODE_REVIEW }), two).tier).toBe("premium");
    expect(classifyJob(makeJob({ kind: "classify" }), two).tier).toBe("cheap");
  });

  it("classifies a 2 MB prompt without trouble", () => {
    const filler = "Quarterly results were in line with guidance across all regions. ";
    const prompt =
      filler.repeat(Math.ceil(MAX_PROMPT_CHARS / filler.length)).slice(0, MAX_PROMPT_CHARS - 40) + "\nSummarize the key risks, please.";
    const decision = classifyJob(makeJob({ kind: "summarize", prompt }), config);
    expect(decision.signals.chars).toBe(prompt.length);
    expect(decision.signals.estimatedTokens).toBe(Math.ceil(prompt.length / 4));
    expect(decision.classifier).toBe("heuristic");
    expect(["cheap", "balanced"]).toContain(decision.tier);
  });
});

describe("validateRoutingTargets", () => {
  it("accepts jobs that force nothing or force known targets", () => {
    expect(validateRoutingTargets(makeJob({ kind: "classify" }), config)).toBeUndefined();
    expect(validateRoutingTargets(makeJob({ kind: "classify", tier: "cheap", model: "gpt-5-mini" }), config)).toBeUndefined();
    expect(validateRoutingTargets(makeJob({ kind: "classify", feature: "unmapped" }), config)).toBeUndefined();
  });

  it("rejects a forced tier that does not have the pinned model", () => {
    expect(validateRoutingTargets(makeJob({ kind: "classify", tier: "premium", model: "gpt-5-mini" }), config)).toBe(
      'model "gpt-5-mini" is not in tier "premium" (its models: claude-opus-4-7, gpt-5.2)',
    );
  });

  it("names an unknown tier and the known ones", () => {
    expect(validateRoutingTargets(makeJob({ kind: "classify", tier: "Premium" }), config)).toBe(
      'unknown tier "Premium" (tiers: cheap, balanced, premium)',
    );
  });

  it("names an unknown model and the configured ones", () => {
    const message = validateRoutingTargets(makeJob({ kind: "classify", model: "claude-opus-3" }), config);
    expect(message).toMatch(/^unknown model "claude-opus-3" \(configured models: gpt-5-mini, .*claude-opus-4-7.*\)$/);
  });

  it("reports both problems at once", () => {
    const message = validateRoutingTargets(makeJob({ kind: "classify", tier: "gold", model: "gpt-9" }), config);
    expect(message).toContain('unknown tier "gold"');
    expect(message).toContain('unknown model "gpt-9"');
  });

  it("agrees with classifyJob: whatever it accepts routes, whatever it rejects throws", () => {
    const jobs = [
      makeJob({ kind: "generate", tier: "balanced" }),
      makeJob({ kind: "generate", model: "gpt-5.1" }),
      makeJob({ kind: "generate", tier: "nope" }),
      makeJob({ kind: "generate", model: "nope" }),
    ];
    for (const job of jobs) {
      if (validateRoutingTargets(job, config) === undefined) expect(() => classifyJob(job, config)).not.toThrow();
      else expect(() => classifyJob(job, config)).toThrow();
    }
  });
});

describe("classifyJob: the ticket fixture", () => {
  it("is what the other routing tests assume", () => {
    expect(TICKET.length).toBeLessThan(120);
    expect(extractSignals(makeJob({ kind: "classify" })).questions).toBe(0);
  });
});
