import { describe, expect, it } from "vitest";
import { applyKindCeiling, applyKindFloor } from "../../../src/intake/kind-floor.js";
import { testConfig } from "../../helpers/pipeline.js";

const config = testConfig({ kindFloors: { generate: "balanced", extract: "cheap" } });

describe("applyKindFloor", () => {
  it.each([
    ["raises a tier below the floor", 0, "generate", { index: 1, raised: true }],
    ["keeps a tier at the floor", 1, "generate", { index: 1, raised: false }],
    ["never lowers a tier above the floor", 2, "generate", { index: 2, raised: false }],
    ["a floor at the cheapest tier changes nothing", 0, "extract", { index: 0, raised: false }],
    ["a kind without a floor keeps its tier", 0, "classify", { index: 0, raised: false }],
  ] as const)("%s", (_name, proposed, kind, expected) => {
    expect(applyKindFloor(proposed, kind, config)).toEqual(expected);
  });

  it("names an unknown floor tier (a config built in code, past the schema)", () => {
    const broken = { ...config, kindFloors: { generate: "gold" } };
    expect(() => applyKindFloor(0, "generate", broken)).toThrow(
      'kindFloors.generate: unknown tier "gold" (tiers: cheap, balanced, premium)',
    );
  });
});

describe("applyKindCeiling", () => {
  const capped = testConfig({ kindCeilings: { summarize: "balanced", classify: "cheap" } });
  it.each([
    ["lowers a tier above the ceiling", 2, "summarize", { index: 1, lowered: true }],
    ["keeps a tier at the ceiling", 1, "summarize", { index: 1, lowered: false }],
    ["never raises a tier below the ceiling", 0, "summarize", { index: 0, lowered: false }],
    ["a ceiling at the cheapest tier holds everything there", 2, "classify", { index: 0, lowered: true }],
    ["a kind without a ceiling keeps its tier", 2, "generate", { index: 2, lowered: false }],
  ] as const)("%s", (_name, proposed, kind, expected) => {
    expect(applyKindCeiling(proposed, kind, capped)).toEqual(expected);
  });

  it("refuses, in the tiers file, a ceiling below the kind's floor or naming no tier", () => {
    expect(() => testConfig({ kindFloors: { generate: "balanced" }, kindCeilings: { generate: "cheap" } })).toThrow(
      /kindCeilings\.generate.*below the kind's floor "balanced"/s,
    );
    expect(() => testConfig({ kindCeilings: { summarize: "gold" } })).toThrow(/kindCeilings\.summarize.*unknown tier "gold"/s);
  });
});
