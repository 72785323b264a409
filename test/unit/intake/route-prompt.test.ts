import { describe, expect, it } from "vitest";
import { jobInputSchema } from "../../../src/jobs/job-schema.js";
import { buildRouteJob, parseRouteAnswer } from "../../../src/intake/llm/route-prompt.js";
import { validateOutput } from "../../../src/tiers/validate-output.js";

const tiers = [{ name: "cheap" }, { name: "balanced" }, { name: "premium" }];

describe("the llm classifier's question", () => {
  it("is a valid extract job whose schema names the tiers", () => {
    const route = buildRouteJob({ kind: "classify", prompt: "Refund please", labels: ["a", "b"] }, tiers);
    expect(jobInputSchema.safeParse(route).success).toBe(true);
    expect(route.schema).toMatchObject({ properties: { tier: { enum: ["cheap", "balanced", "premium"] } }, required: ["tier", "reason"] });
    expect(route.system).toContain("classify job");
  });

  it("sends an excerpt of a long prompt, not all of it", () => {
    const route = buildRouteJob({ kind: "generate", prompt: "x".repeat(50_000) }, tiers);
    expect(route.prompt!.length).toBeLessThan(4_100);
    expect(route.prompt).toContain("46000 more characters");
  });
});

describe("parseRouteAnswer", () => {
  it("accepts a known tier with its reason", () => {
    expect(parseRouteAnswer('{"tier":"premium","reason":"multi-step proof"}', ["cheap", "premium"])).toEqual({
      tier: "premium",
      reason: "multi-step proof",
    });
  });

  it("refuses anything else, so the heuristic decides", () => {
    expect(parseRouteAnswer('{"tier":"gold","reason":"x"}', ["cheap"])).toBeUndefined();
    expect(parseRouteAnswer('{"reason":"x"}', ["cheap"])).toBeUndefined();
    expect(parseRouteAnswer("[1,2]", ["cheap"])).toBeUndefined();
    expect(parseRouteAnswer("{broken", ["cheap"])).toBeUndefined();
  });

  it("works on what output validation passes for the route job", () => {
    const route = buildRouteJob({ kind: "generate", prompt: "Prove it" }, tiers);
    const verdict = validateOutput(route, '```json\n{"tier":"balanced","reason":"some reasoning"}\n```');
    expect(verdict.ok).toBe(true);
    expect(
      parseRouteAnswer(
        (verdict as { result: string }).result,
        tiers.map((tier) => tier.name),
      )?.tier,
    ).toBe("balanced");
  });
});
