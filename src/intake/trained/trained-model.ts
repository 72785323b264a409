import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import type { JobInput } from "../../jobs/job-schema.js";
import { HASH_NAME } from "./feature-hash.js";
import { DENSE_FEATURES, Featurizer, FEATURIZER_VERSION, type FeaturizerSpec, type JobFeatures } from "./featurize.js";
import type { RoutingSignals } from "../routing-decision.js";
import { extractSignals } from "../heuristic/signals.js";
import { RouterError } from "../../errors/router-error.js";

/**
 * A trained router (written by `llm-router train`): logistic regression over the features of
 * featurize.ts. Its score is the predicted probability that the cheap tier's answer is not good
 * enough (see src/lab/labels.ts for what "good enough" was trained as); the tier thresholds
 * are applied to it like to the heuristic score.
 *
 * The file is JSON: the featuriser settings, the dense features' standardisation, the weights
 * (hashed weights as little-endian float32 in base64: 262,144 weights ≈ 1.4 MB of text instead of
 * ~4 MB of decimals), where it came from, and its held-out metrics. Loading checks every part, so a
 * model from another version fails at start-up with a clear message, not with wrong scores later.
 */

export const MODEL_FORMAT = "llm-router/trained-router";
export const MODEL_VERSION = 1;

const finite = z.number().finite();

const featurizerSpecSchema = z.object({
  version: z.literal(FEATURIZER_VERSION),
  hash: z.literal(HASH_NAME),
  bucketsLog2: z.number().int().min(4).max(24),
  wordNgrams: z.array(z.number().int().min(1).max(2)),
  charNgrams: z.object({ min: z.number().int().min(1), max: z.number().int().min(1).max(8) }).nullable(),
  namespaceWeights: z.object({ words: finite, bigrams: finite, chars: finite }),
  headChars: z.number().int().positive(),
  tailChars: z.number().int().min(0),
});

const float32Base64Schema = z.object({
  encoding: z.literal("float32-le-base64"),
  length: z.number().int().positive(),
  data: z.string(),
});

export const modelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  createdAt: z.string(),
  /** What the score means, for people reading the file. */
  target: z.string(),
  featurizer: featurizerSpecSchema,
  dense: z.object({
    names: z.array(z.string()),
    mean: z.array(finite),
    std: z.array(finite.positive()),
    /** Standardised values are clipped to ±clip, so an unusual prompt cannot swing the score alone. */
    clip: finite.positive(),
  }),
  weights: z.object({ bias: finite, dense: z.array(finite), hashed: float32Base64Schema }),
  /**
   * Held-out score quantiles (0%, 1%, …, 100%): the default thresholds come from them, and
   * `calibrate` can start from them without data.
   */
  scoreQuantiles: z.array(finite).length(101),
  /** Data, split, label, regularisation and held-out metrics; informative only. */
  training: z.record(z.string(), z.unknown()),
});

export type ModelFile = z.infer<typeof modelFileSchema>;

export class ModelFileError extends RouterError {
  override name = "ModelFileError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("input", message, options);
  }
}

/** Float32 weights ⇄ the JSON encoding. */
export function encodeFloat32(values: ArrayLike<number>): z.infer<typeof float32Base64Schema> {
  const array = Float32Array.from(values as ArrayLike<number>);
  const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  // Float32Array is host-endian; every platform Node supports is little-endian, and the check below keeps it honest.
  return { encoding: "float32-le-base64", length: array.length, data: bytes.toString("base64") };
}

export function decodeFloat32(encoded: z.infer<typeof float32Base64Schema>): Float32Array {
  const bytes = Buffer.from(encoded.data, "base64");
  if (bytes.length !== encoded.length * 4) {
    throw new ModelFileError(`hashed weights: expected ${encoded.length * 4} bytes, found ${bytes.length}`);
  }
  const out = new Float32Array(encoded.length);
  for (let index = 0; index < encoded.length; index++) out[index] = bytes.readFloatLE(index * 4);
  return out;
}

/** Share of jobs the default thresholds send to the top tier; the tiers below split the rest evenly. */
export const DEFAULT_TOP_SHARE = 0.25;

export class TrainedRouter {
  readonly file: ModelFile;
  private readonly featurizer: Featurizer;
  private readonly hashed: Float32Array;
  private readonly denseWeights: Float64Array;
  private readonly mean: Float64Array;
  private readonly std: Float64Array;
  /** Position in DENSE_FEATURES of each dense weight. */
  private readonly denseIndex: Int32Array;

  constructor(file: ModelFile) {
    this.file = file;
    this.featurizer = new Featurizer(file.featurizer as FeaturizerSpec);
    const buckets = 2 ** file.featurizer.bucketsLog2;
    if (file.weights.hashed.length !== buckets) {
      throw new ModelFileError(`hashed weights: ${file.weights.hashed.length} for ${buckets} buckets`);
    }
    this.hashed = decodeFloat32(file.weights.hashed);
    const count = file.dense.names.length;
    if (file.dense.mean.length !== count || file.dense.std.length !== count || file.weights.dense.length !== count) {
      throw new ModelFileError(
        `dense: ${count} names but ${file.dense.mean.length} means, ${file.dense.std.length} stds, ${file.weights.dense.length} weights`,
      );
    }
    this.denseIndex = Int32Array.from(
      file.dense.names.map((name) => {
        const index = (DENSE_FEATURES as readonly string[]).indexOf(name);
        if (index === -1) throw new ModelFileError(`dense feature "${name}" is not known to this version`);
        return index;
      }),
    );
    this.denseWeights = Float64Array.from(file.weights.dense);
    this.mean = Float64Array.from(file.dense.mean);
    this.std = Float64Array.from(file.dense.std);
  }

  static fromJson(json: unknown, source = "model"): TrainedRouter {
    const parsed = modelFileSchema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`).join("; ");
      throw new ModelFileError(`invalid model file ${source}: ${problems}`);
    }
    return new TrainedRouter(parsed.data);
  }

  /** The model's logit for a job (its log-odds of "the cheap answer is not good enough"). */
  logit(job: JobInput, signals: RoutingSignals = extractSignals(job)): number {
    return this.logitOfFeatures(this.featurizer.featurize(job, signals));
  }

  /** The logit from features already computed (stored ones: `train --from-ledger`, `reprice`). */
  logitOfFeatures(features: JobFeatures): number {
    const clip = this.file.dense.clip;
    let z = this.file.weights.bias;
    for (let k = 0; k < this.denseWeights.length; k++) {
      const raw = features.dense[this.denseIndex[k]!]!;
      const standard = Math.max(-clip, Math.min(clip, (raw - this.mean[k]!) / this.std[k]!));
      z += this.denseWeights[k]! * standard;
    }
    const { indices, values } = features;
    for (let k = 0; k < indices.length; k++) z += this.hashed[indices[k]!]! * values[k]!;
    return z;
  }

  /** P(the cheap tier's answer is not good enough) from precomputed features. */
  scoreOfFeatures(features: JobFeatures): number {
    const z = this.logitOfFeatures(features);
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  /** P(the cheap tier's answer is not good enough), in [0, 1]. */
  score(job: JobInput, signals?: RoutingSignals): number {
    const z = this.logit(job, signals);
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  /**
   * Thresholds for `tierCount` tiers when the config gives none: held-out score quantiles that send
   * DEFAULT_TOP_SHARE of jobs to the top tier and split the rest evenly among the tiers below.
   */
  defaultThresholds(tierCount: number): number[] {
    return thresholdsForShares(this.file.scoreQuantiles, defaultTierShares(tierCount));
  }
}

/** Shares per tier (cheapest first) for the default thresholds: the top gets DEFAULT_TOP_SHARE. */
export function defaultTierShares(tierCount: number): number[] {
  if (tierCount <= 1) return [1];
  const below = (1 - DEFAULT_TOP_SHARE) / (tierCount - 1);
  return [...Array.from({ length: tierCount - 1 }, () => below), DEFAULT_TOP_SHARE];
}

/** The score at quantile q (0..1) of a 101-point quantile table, interpolated. */
export function quantileFromTable(table: readonly number[], q: number): number {
  const position = Math.min(1, Math.max(0, q)) * (table.length - 1);
  const low = Math.floor(position);
  const high = Math.min(table.length - 1, low + 1);
  const t = position - low;
  return table[low]! + t * (table[high]! - table[low]!);
}

/** Thresholds that cut a score distribution (given as a quantile table) into the given shares per tier. */
export function thresholdsForShares(table: readonly number[], shares: number[]): number[] {
  const thresholds: number[] = [];
  let cumulative = 0;
  for (let index = 0; index < shares.length - 1; index++) {
    cumulative += shares[index]!;
    thresholds.push(quantileFromTable(table, cumulative));
  }
  // Equal quantiles (a flat stretch of scores) must still be ascending, which they are; never descending.
  for (let index = 1; index < thresholds.length; index++) thresholds[index] = Math.max(thresholds[index]!, thresholds[index - 1]!);
  return thresholds;
}

export function readModelFile(path: string): TrainedRouter {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ModelFileError(`cannot read model file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(`model file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return TrainedRouter.fromJson(json, path);
}

const loaded = new Map<string, TrainedRouter>();

/**
 * The model at `path` (relative paths resolve against the working directory), read on first use and
 * kept for the life of the process: the intake stage calls this for every job. A retrained model is
 * picked up by restarting the workers (or by pointing `modelFile` at a new path).
 */
export function loadTrainedModel(path: string): TrainedRouter {
  const absolute = resolve(path);
  let model = loaded.get(absolute);
  if (!model) {
    model = readModelFile(absolute);
    loaded.set(absolute, model);
  }
  return model;
}
