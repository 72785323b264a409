import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_FEATURIZER_SPEC, DENSE_FEATURES } from "../../src/intake/trained/featurize.js";
import { encodeFloat32, MODEL_FORMAT, type ModelFile } from "../../src/intake/trained/trained-model.js";

const BUCKETS_LOG2 = 8;

/** A small, valid model: deterministic pseudo-random weights over 256 buckets. */
export function tinyModel(overrides: Partial<ModelFile> = {}): ModelFile {
  let state = 12345;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  return {
    format: MODEL_FORMAT,
    version: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
    target: "test",
    featurizer: { ...DEFAULT_FEATURIZER_SPEC, bucketsLog2: BUCKETS_LOG2 },
    dense: {
      names: [...DENSE_FEATURES],
      mean: DENSE_FEATURES.map(() => 0.5),
      std: DENSE_FEATURES.map(() => 2),
      clip: 4,
    },
    weights: {
      bias: 0.1,
      dense: DENSE_FEATURES.map(() => next()),
      hashed: encodeFloat32(Array.from({ length: 2 ** BUCKETS_LOG2 }, () => next())),
    },
    scoreQuantiles: Array.from({ length: 101 }, (_, index) => 0.2 + (0.6 * index) / 100),
    training: { note: "unit test" },
    ...overrides,
  };
}

/** Writes a model file; `path` overwrites one in place (a retrained model at the same path). */
export function writeModel(file: ModelFile, path = join(mkdtempSync(join(tmpdir(), "router-model-")), "model.json")): string {
  writeFileSync(path, JSON.stringify(file));
  return path;
}
