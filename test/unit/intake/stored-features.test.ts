import { describe, expect, it } from "vitest";
import { Featurizer } from "../../../src/intake/trained/featurize.js";
import { decodeFeatures, encodeFeatures } from "../../../src/intake/trained/stored-features.js";

describe("stored routing features", () => {
  it("are little-endian int32 and float32 bytes in base64, and decode back to the same features", () => {
    const features = new Featurizer().featurize({ kind: "generate", prompt: "Prove that 2 + 2 = 4, step by step.\nA. yes\nB. no" });
    const stored = encodeFeatures(features);
    const indices = Buffer.alloc(features.indices.length * 4);
    const values = Buffer.alloc(features.values.length * 4);
    features.indices.forEach((index, k) => indices.writeInt32LE(index, k * 4));
    features.values.forEach((value, k) => values.writeFloatLE(value, k * 4));
    expect(stored.i).toBe(indices.toString("base64"));
    expect(stored.x).toBe(values.toString("base64"));
    expect(decodeFeatures(JSON.parse(JSON.stringify(stored)))).toEqual(features);
  });
});
