import { describe, expect, it } from "vitest";
import { applyKindFloor } from "../../../src/intake/kind-floor.js";
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
