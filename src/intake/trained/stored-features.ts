import { endianness } from "node:os";
import { z } from "zod";
import { DEFAULT_FEATURIZER_SPEC, DENSE_FEATURES, type FeaturizerSpec, type JobFeatures } from "./featurize.js";

/**
 * A job's routing features as the ledger keeps them (`requests.routing_features`): enough to train
 * or re-score a model later without the prompt. Sparse buckets as little-endian int32 and their
 * values as float32, both base64 (a typical prompt: a few hundred entries, ~2–4 KB); the dense
 * signals raw, in DENSE_FEATURES order. `s` names the featurizer, so features from another spec
 * are refused instead of read as the wrong buckets.
 */
export const STORED_FEATURES_VERSION = 1;

export const storedFeaturesSchema = z.object({
  v: z.literal(STORED_FEATURES_VERSION),
  s: z.string(),
  i: z.string(),
  x: z.string(),
  d: z.array(z.number()),
});
export type StoredFeatures = z.infer<typeof storedFeaturesSchema>;

/** A short, exact name for a featurizer spec: two specs share it only if they hash the same buckets. */
export function featurizerKey(spec: FeaturizerSpec): string {
  const chars = spec.charNgrams ? `${spec.charNgrams.min}-${spec.charNgrams.max}` : "0";
  const w = spec.namespaceWeights;
  return `v${spec.version}/${spec.hash}/b${spec.bucketsLog2}/w${spec.wordNgrams.join("")}/c${chars}/n${w.words},${w.bigrams},${w.chars}/h${spec.headChars},${spec.tailChars}`;
}

export const DEFAULT_FEATURIZER_KEY = featurizerKey(DEFAULT_FEATURIZER_SPEC);

/** Typed arrays are in the host's byte order: on a little-endian host their bytes are already the stored ones. */
const LITTLE_ENDIAN = endianness() === "LE";

/** The bytes of a typed array as little-endian base64 (one copy less on a little-endian host). */
function base64LE(array: Int32Array | Float32Array, write: (buffer: Buffer, value: number, at: number) => void): string {
  if (LITTLE_ENDIAN) return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString("base64");
  const buffer = Buffer.alloc(array.length * 4);
  for (let k = 0; k < array.length; k++) write(buffer, array[k]!, k * 4);
  return buffer.toString("base64");
}

// Once per spec, not once per job: every job of an enqueue is encoded under the same one.
let lastSpec: FeaturizerSpec | undefined;
let lastKey = "";

export function encodeFeatures(features: JobFeatures, spec: FeaturizerSpec = DEFAULT_FEATURIZER_SPEC): StoredFeatures {
  if (spec !== lastSpec) [lastSpec, lastKey] = [spec, featurizerKey(spec)];
  return {
    v: STORED_FEATURES_VERSION,
    s: lastKey,
    i: base64LE(features.indices, (buffer, value, at) => buffer.writeInt32LE(value, at)),
    x: base64LE(features.values, (buffer, value, at) => buffer.writeFloatLE(value, at)),
    d: Array.from(features.dense),
  };
}

export class StoredFeaturesError extends Error {
  override name = "StoredFeaturesError";
}

/** The features back, checked against the featurizer they must come from. */
export function decodeFeatures(json: unknown, spec: FeaturizerSpec = DEFAULT_FEATURIZER_SPEC): JobFeatures {
  const parsed = storedFeaturesSchema.safeParse(json);
  if (!parsed.success) throw new StoredFeaturesError(`stored routing features are malformed: ${parsed.error.issues[0]?.message}`);
  const stored = parsed.data;
  const expected = featurizerKey(spec);
  if (stored.s !== expected) throw new StoredFeaturesError(`stored routing features come from featurizer ${stored.s}, not ${expected}`);
  const indices = Buffer.from(stored.i, "base64");
  const values = Buffer.from(stored.x, "base64");
  if (indices.length !== values.length || indices.length % 4 !== 0 || stored.d.length !== DENSE_FEATURES.length) {
    throw new StoredFeaturesError("stored routing features have mismatched lengths");
  }
  const count = indices.length / 4;
  const outIndices = new Int32Array(count);
  const outValues = new Float32Array(count);
  for (let k = 0; k < count; k++) {
    outIndices[k] = indices.readInt32LE(k * 4);
    outValues[k] = values.readFloatLE(k * 4);
  }
  return { indices: outIndices, values: outValues, dense: Float64Array.from(stored.d) };
}
