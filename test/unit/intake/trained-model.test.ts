import { tmpdir } from "node:os";
import { join } from "node:path";
import { SHIPPED_MODEL_FILE } from "../../../src/config/shipped-model.js";
import { describe, expect, it } from "vitest";
import { routerConfigSchema } from "../../../src/config/router-config-schema.js";
import { classifyJob, loadClassifier, tierIndexForScore } from "../../../src/intake/index.js";
import { tinyModel, writeModel } from "../../helpers/trained-model-file.js";
import {
  decodeFloat32,
  defaultTierShares,
  encodeFloat32,
  loadTrainedModel,
  quantileFromTable,
  thresholdsForShares,
  TrainedRouter,
} from "../../../src/intake/trained/trained-model.js";
import { loadDefaultConfig, makeJob } from "../../helpers/intake/fixtures.js";

const PROMPTS = [
  "What is the capital of France?",
  "Prove that the square root of 2 is irrational, step by step.",
  "A train leaves at 3 pm at 60 km/h; another at 4 pm at 80 km/h. When does the second catch up?",
  "Summarise: the council approved the budget after a long debate.",
];

describe("float32 weight encoding", () => {
  it("round-trips exactly at float32 precision", () => {
    const values = [0, -1.5, 3.25, 1e-8, -123456.789, Math.PI];
    const decoded = Array.from(decodeFloat32(encodeFloat32(values)));
    expect(decoded).toEqual(Array.from(Float32Array.from(values)));
  });

  it("rejects a payload of the wrong size", () => {
    const encoded = encodeFloat32([1, 2, 3]);
    expect(() => decodeFloat32({ ...encoded, length: 4 })).toThrow(/expected 16 bytes/);
  });
});

describe("TrainedRouter", () => {
  it("gives the same scores after a JSON round trip, all in (0, 1)", () => {
    const file = tinyModel();
    const model = new TrainedRouter(file);
    const reloaded = TrainedRouter.fromJson(JSON.parse(JSON.stringify(file)));
    for (const prompt of PROMPTS) {
      const score = model.score(makeJob({ kind: "generate", prompt }));
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThan(1);
      expect(reloaded.score(makeJob({ kind: "generate", prompt }))).toBe(score);
    }
  });

  it("score is the logistic of the logit, and the bias moves it", () => {
    const job = makeJob({ kind: "generate", prompt: PROMPTS[1]! });
    const base = new TrainedRouter(tinyModel());
    const shifted = new TrainedRouter(tinyModel({ weights: { ...tinyModel().weights, bias: 1.1 } }));
    expect(base.score(job)).toBeCloseTo(1 / (1 + Math.exp(-base.logit(job))), 12);
    expect(shifted.logit(job) - base.logit(job)).toBeCloseTo(1, 6);
  });

  it("rejects files from elsewhere with the path of the problem", () => {
    expect(() => TrainedRouter.fromJson({ ...tinyModel(), format: "something-else" })).toThrow(/format/);
    expect(() => TrainedRouter.fromJson({ ...tinyModel(), version: 2 })).toThrow(/version/);
    const wrongSize = tinyModel({ weights: { ...tinyModel().weights, hashed: encodeFloat32([1, 2, 3]) } });
    expect(() => TrainedRouter.fromJson(wrongSize)).toThrow(/hashed weights: 3 for 256 buckets/);
    const unknownDense = tinyModel();
    unknownDense.dense.names[0] = "telepathy";
    expect(() => TrainedRouter.fromJson(unknownDense)).toThrow(/"telepathy" is not known/);
  });

  it("default thresholds come from its held-out quantiles: 25% top, the rest split evenly", () => {
    const model = new TrainedRouter(tinyModel());
    expect(defaultTierShares(3)).toEqual([0.375, 0.375, 0.25]);
    const [low, high] = model.defaultThresholds(3);
    expect(low).toBeCloseTo(0.2 + 0.6 * 0.375, 9);
    expect(high).toBeCloseTo(0.2 + 0.6 * 0.75, 9);
    expect(model.defaultThresholds(2)).toEqual([expect.closeTo(0.2 + 0.6 * 0.75, 9)]);
  });

  it("quantile table interpolation and share cuts", () => {
    const table = Array.from({ length: 101 }, (_, index) => index / 100);
    expect(quantileFromTable(table, 0.255)).toBeCloseTo(0.255, 12);
    expect(thresholdsForShares(table, [0.5, 0.3, 0.2])).toEqual([expect.closeTo(0.5, 12), expect.closeTo(0.8, 12)]);
  });

  it("loadTrainedModel reads a file once and names a missing one", () => {
    const path = writeModel(tinyModel());
    expect(loadTrainedModel(path)).toBe(loadTrainedModel(path));
    expect(() => loadTrainedModel(join(tmpdir(), "no-such-model.json"))).toThrow(/cannot read model file/);
  });
});

describe("routing config and classifyJob", () => {
  const base = loadDefaultConfig();
  const withRouting = (routing: Record<string, unknown>) => routerConfigSchema.parse({ ...base, routing });

  it("defaults to the heuristic with its own thresholds, and documents every default", () => {
    expect(base.routing).toEqual({
      classifier: "heuristic",
      hybridMargin: 0.05,
      storePrompts: false,
      shadow: { rate: 0, key: "id", strategy: "uniform" },
    });
  });

  it("checks thresholds: ascending, one fewer than the tiers", () => {
    expect(() => withRouting({ thresholds: [0.5] })).toThrow(/1 threshold\(s\) for 3 tiers; give 2/);
    expect(() => withRouting({ thresholds: [0.7, 0.3] })).toThrow(/ascending/);
    expect(() => withRouting({ thresholds: [0.2, 1.5] })).toThrow();
    // No file named: the shipped model, found next to the package whatever the working directory.
    expect(withRouting({ classifier: "trained" }).routing.modelFile).toBe(SHIPPED_MODEL_FILE);
    expect(SHIPPED_MODEL_FILE.endsWith(join("models", "router.json"))).toBe(true);
    expect(() => withRouting({ shadow: { rate: 2 } })).toThrow(/between 0 and 1/);
    expect(withRouting({ thresholds: [0.2, 0.9] }).routing.thresholds).toEqual([0.2, 0.9]);
  });

  it("configured thresholds move the heuristic's tiers", () => {
    const job = makeJob({ kind: "classify", prompt: "Is this about billing?", labels: ["billing", "other"] });
    const lowCuts = withRouting({ thresholds: [0.01, 0.02] });
    expect(classifyJob(job, base).tier).toBe("cheap");
    expect(classifyJob(job, lowCuts).tier).toBe("premium");
  });

  it("classifier trained scores with the model and cuts at its default thresholds", () => {
    const path = writeModel(tinyModel());
    const config = withRouting({ classifier: "trained", modelFile: path });
    const model = new TrainedRouter(tinyModel());
    for (const prompt of PROMPTS) {
      const job = makeJob({ kind: "extract", prompt });
      const decision = classifyJob(job, config);
      expect(decision.classifier).toBe("trained");
      expect(decision.score).toBe(model.score(job));
      expect(decision.reason).toMatch(/^trained score \d\.\d\d → /);
      expect(decision.tier).toBe(config.tiers[tierIndexForScore(decision.score, 3, model.defaultThresholds(3))]!.name);
    }
    const forced = withRouting({ classifier: "trained", modelFile: path, thresholds: [0, 0] });
    expect(classifyJob(makeJob({ kind: "extract", prompt: PROMPTS[0]! }), forced).tier).toBe("premium");
  });

  it("loadClassifier fails fast on a missing model, reads the file afresh each time, and loads nothing for the heuristic", () => {
    expect(() => loadClassifier(withRouting({ classifier: "trained", modelFile: join(tmpdir(), "absent-model.json") }))).toThrow(
      /cannot read model file/,
    );
    expect(loadClassifier(base)).toEqual({});
    const config = withRouting({ classifier: "trained", modelFile: writeModel(tinyModel()) });
    expect(loadClassifier(config).trained).not.toBe(loadClassifier(config).trained);
  });

  it("classifyJob scores with the loaded classifier it is given, and refuses a trained config without one", () => {
    const config = withRouting({ classifier: "trained", modelFile: writeModel(tinyModel()) });
    const other = loadClassifier(
      withRouting({ classifier: "trained", modelFile: writeModel(tinyModel({ weights: { ...tinyModel().weights, bias: 5 } })) }),
    );
    const job = makeJob({ kind: "extract", prompt: PROMPTS[0]! });
    expect(classifyJob(job, config, other).score).toBe(other.trained!.score(job));
    expect(classifyJob(job, config, other).score).not.toBe(classifyJob(job, config).score);
    expect(() => classifyJob(job, config, {})).toThrow(/is not loaded/);
  });

  it("rules still win over a trained score", () => {
    const config = withRouting({ classifier: "trained", modelFile: writeModel(tinyModel()) });
    const decision = classifyJob(makeJob({ kind: "classify", prompt: "x", labels: ["a", "b"], feature: "legal-review" }), config);
    expect(decision).toMatchObject({ tier: "premium", classifier: "rule" });
  });
});
