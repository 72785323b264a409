import { createHash } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import type { JobKind } from "../jobs/job-schema.js";
import { outcomeQuality, parseReplayJsonl, rowToJob, type ReplayDataset, type ReplayRow } from "../fake-llm/replay-dataset.js";
import { routingMetrics, type OutcomePair } from "./routing-metrics.js";
import { complexityScore } from "../intake/heuristic/complexity-score.js";
import { DEFAULT_FEATURIZER_SPEC, DENSE_FEATURES, Featurizer, type FeaturizerSpec, type JobFeatures } from "../intake/trained/featurize.js";
import { extractSignals } from "../intake/heuristic/signals.js";
import { encodeFloat32, MODEL_FORMAT, MODEL_VERSION, TrainedRouter, type ModelFile } from "../intake/trained/trained-model.js";
import { brierScore, logLoss, rocAuc } from "./classification-metrics.js";
import { labelOf, type LabelOptions } from "./labels.js";
import { fitLogistic, predictLogit, sigmoid, type TrainingRow } from "./logistic-regression.js";
import { splitDraw, splitRows, type SplitSpec } from "./split.js";
import { UsageError } from "../errors/router-error.js";

/**
 * `llm-router train`: fits the trained router on a labelled replay file and writes the model file.
 *
 * Honest by construction: the rows are split (seeded, order-independent, see split.ts) before
 * anything is fitted; the dense features' standardisation comes from the training rows only; every
 * reported metric is computed on held-out rows. `transferFolds` adds a K-fold estimate in which
 * whole sources (subjects) are held out — how the model does on kinds of prompts it has never
 * seen, which is what a new workload looks like.
 */

export interface TrainOptions {
  dataPath: string;
  outPath: string;
  /** Share held out for evaluation; 0 trains on everything and reports no held-out metrics. Default 0.2. */
  holdout: number;
  seed: number;
  splitBy: SplitSpec["by"];
  label: LabelOptions;
  /** L2 on hashed weights. Default DEFAULT_L2. */
  l2: number;
  /** L2 on dense weights. Default DEFAULT_L2_DENSE. */
  l2Dense: number;
  featurizer: FeaturizerSpec;
  maxIterations: number;
  /** K > 1: also run K folds holding out whole sources, and report their mean APGR. Default 0 (off). */
  transferFolds: number;
  /** Fit the saved model on every row after evaluating on the split (the metrics stay those of the split). */
  refitAll: boolean;
  /** Kind of rows that give none. Default generate. */
  kind: JobKind;
  /**
   * The model file's `createdAt` (ISO). Default: now. Everything else in the file follows from the
   * data and options, so pinning it makes a rebuild byte-identical (`npm run train:shipped`).
   */
  createdAt?: string;
  onProgress?: (message: string) => void;
}

/**
 * Strong regularisation (on features L2-normalised per namespace): chosen by source-held-out
 * cross-validation on the development set, where lighter penalties fit the training subjects'
 * vocabulary and gain nothing on unseen ones.
 */
export const DEFAULT_L2 = 3e-4;
export const DEFAULT_L2_DENSE = 1e-3;
export const DEFAULT_MAX_ITERATIONS = 200;
/** Standardised dense features are clipped to this many standard deviations. */
export const DENSE_CLIP = 4;

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainOptions, "dataPath" | "outPath"> = {
  holdout: 0.2,
  seed: 1,
  splitBy: "row",
  label: { mode: "gain" },
  l2: DEFAULT_L2,
  l2Dense: DEFAULT_L2_DENSE,
  featurizer: DEFAULT_FEATURIZER_SPEC,
  maxIterations: DEFAULT_MAX_ITERATIONS,
  transferFolds: 0,
  refitAll: false,
  kind: "generate",
};

export interface HeldOutMetrics {
  rows: number;
  /** Routing by the trained score: RouteLLM's metrics on the held-out rows. */
  apgr: number;
  cpt50: number;
  cpt80: number;
  /** The heuristic classifier on the same rows, for comparison. */
  heuristicApgr: number;
  /** Ranking quality against "the cheap answer was wrong / scored low" and "the top answer was better". */
  aucCheapFails: number;
  aucTopBetter: number;
  /** Against the training label. */
  logLoss: number;
  brier: number;
}

export interface TrainReport {
  outPath: string;
  dataRows: number;
  trainRows: number;
  testRows: number;
  iterations: number;
  converged: boolean;
  heldOut?: HeldOutMetrics;
  transfer?: { folds: number; apgr: number; heuristicApgr: number; foldApgr: number[] };
  inference: { p50Us: number; p99Us: number; samples: number };
  durationMs: number;
}

interface Standardiser {
  mean: number[];
  std: number[];
}

function fitStandardiser(features: JobFeatures[]): Standardiser {
  const count = DENSE_FEATURES.length;
  const meanValues = new Array<number>(count).fill(0);
  const std = new Array<number>(count).fill(0);
  for (const f of features) for (let k = 0; k < count; k++) meanValues[k]! += f.dense[k]! / features.length;
  for (const f of features) for (let k = 0; k < count; k++) std[k]! += (f.dense[k]! - meanValues[k]!) ** 2 / features.length;
  // A constant feature (std 0) gets std 1: its standardised value is 0 and its weight stays 0.
  return { mean: meanValues, std: std.map((value) => (value > 1e-12 ? Math.sqrt(value) : 1)) };
}

function toTrainingRow(features: JobFeatures, standardiser: Standardiser, label: number): TrainingRow {
  const dense = new Float64Array(DENSE_FEATURES.length);
  for (let k = 0; k < dense.length; k++) {
    const value = (features.dense[k]! - standardiser.mean[k]!) / standardiser.std[k]!;
    dense[k] = Math.max(-DENSE_CLIP, Math.min(DENSE_CLIP, value));
  }
  return { indices: features.indices, values: features.values, dense, label };
}

interface FittedModel {
  fit: ReturnType<typeof fitLogistic>;
  standardiser: Standardiser;
}

function fitOn(indices: number[], features: JobFeatures[], labels: number[], options: TrainOptions, buckets: number): FittedModel {
  const standardiser = fitStandardiser(indices.map((index) => features[index]!));
  const rows = indices.map((index) => toTrainingRow(features[index]!, standardiser, labels[index]!));
  const fit = fitLogistic(
    rows,
    { dense: DENSE_FEATURES.length, buckets },
    {
      l2: options.l2,
      l2Dense: options.l2Dense,
      maxIterations: options.maxIterations,
    },
  );
  return { fit, standardiser };
}

function scoresOf(model: FittedModel, indices: number[], features: JobFeatures[]): number[] {
  return indices.map((index) => sigmoid(predictLogit(model.fit, toTrainingRow(features[index]!, model.standardiser, 0))));
}

/** 101 quantiles (0%, 1%, …, 100%) of a list of scores. */
export function quantileTable(scores: number[]): number[] {
  const sorted = [...scores].sort((a, b) => a - b);
  if (sorted.length === 0) return Array.from({ length: 101 }, (_, index) => index / 100);
  return Array.from({ length: 101 }, (_, index) => {
    const position = (index / 100) * (sorted.length - 1);
    const low = Math.floor(position);
    const high = Math.min(sorted.length - 1, low + 1);
    return sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!);
  });
}

function pairsOf(rows: ReplayRow[], dataset: ReplayDataset): OutcomePair[] {
  return rows.map((row) => ({ weak: outcomeQuality(row.weak, dataset.metric), strong: outcomeQuality(row.strong, dataset.metric) }));
}

function heldOutMetrics(
  rows: ReplayRow[],
  scores: number[],
  labels: number[],
  dataset: ReplayDataset,
  kind: JobKind,
  label: LabelOptions,
): HeldOutMetrics {
  const pairs = pairsOf(rows, dataset);
  const routed = routingMetrics(scores, pairs);
  const heuristic = routingMetrics(
    rows.map((row) => {
      const job = rowToJob(row, { kind });
      return complexityScore(extractSignals(job), job.kind);
    }),
    pairs,
  );
  const cheapFails = rows.map((row) => labelOf(row, dataset.metric, { ...label, mode: "weak-fails" }));
  const topBetter = rows.map((row) => labelOf(row, dataset.metric, { ...label, mode: "strong-better" }));
  return {
    rows: rows.length,
    apgr: routed.apgr,
    cpt50: routed.cpt50,
    cpt80: routed.cpt80,
    heuristicApgr: heuristic.apgr,
    aucCheapFails: rocAuc(scores, cheapFails),
    aucTopBetter: rocAuc(scores, topBetter),
    logLoss: logLoss(scores, labels),
    brier: brierScore(scores, labels),
  };
}

/**
 * p50 and p99 of the per-job scoring time as intake pays it — signals, features, dot product — in
 * microseconds, over up to `maxSamples` of the data's prompts.
 */
export function measureInference(model: TrainedRouter, rows: ReplayRow[], kind: JobKind, maxSamples = 5_000) {
  const jobs = rows.slice(0, maxSamples).map((row) => rowToJob(row, { kind }));
  // One untimed pass first, so the numbers are steady state (JIT-compiled), as in a long-running worker.
  for (const job of jobs) model.score(job);
  const times: number[] = [];
  for (const job of jobs) {
    const start = process.hrtime.bigint();
    model.score(job);
    times.push(Number(process.hrtime.bigint() - start) / 1_000);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
  return { p50Us: at(0.5), p99Us: at(0.99), samples: times.length };
}

export async function trainRouter(options: TrainOptions): Promise<TrainReport> {
  const started = Date.now();
  const progress = options.onProgress ?? (() => {});
  const text = await readFile(options.dataPath, "utf8");
  const dataset = parseReplayJsonl(text, options.dataPath);
  const sha256 = createHash("sha256").update(text).digest("hex");
  const featurizer = new Featurizer(options.featurizer);
  const buckets = featurizer.buckets;

  progress(`featurising ${dataset.rows.length} rows`);
  const features = dataset.rows.map((row) => featurizer.featurize(rowToJob(row, { kind: options.kind })));
  const labels = dataset.rows.map((row) => labelOf(row, dataset.metric, options.label));
  const indexOf = new Map(dataset.rows.map((row, index) => [row.id, index] as const));

  const split: SplitSpec = { holdout: options.holdout, seed: options.seed, by: options.splitBy };
  const parts = options.holdout > 0 ? splitRows(dataset.rows, split) : { train: dataset.rows, test: [] as ReplayRow[] };
  if (parts.train.length === 0) throw new UsageError("the split left no training rows; lower --holdout");
  const trainIndices = parts.train.map((row) => indexOf.get(row.id)!);
  const testIndices = parts.test.map((row) => indexOf.get(row.id)!);

  progress(`fitting on ${trainIndices.length} rows (${testIndices.length} held out)`);
  const model = fitOn(trainIndices, features, labels, options, buckets);
  let heldOut: HeldOutMetrics | undefined;
  let quantileScores: number[];
  if (testIndices.length > 0) {
    const scores = scoresOf(model, testIndices, features);
    heldOut = heldOutMetrics(
      parts.test,
      scores,
      testIndices.map((index) => labels[index]!),
      dataset,
      options.kind,
      options.label,
    );
    quantileScores = scores;
    progress(
      `held-out APGR ${heldOut.apgr.toFixed(3)} (heuristic ${heldOut.heuristicApgr.toFixed(3)}), AUC ${heldOut.aucCheapFails.toFixed(3)}`,
    );
  } else {
    quantileScores = scoresOf(model, trainIndices, features);
  }

  let transfer: TrainReport["transfer"];
  if (options.transferFolds > 1) {
    transfer = transferEstimate(dataset, features, labels, options, buckets, progress);
  }

  let saved = model;
  if (options.refitAll && testIndices.length > 0) {
    progress(`refitting on all ${dataset.rows.length} rows`);
    saved = fitOn(
      dataset.rows.map((_, index) => index),
      features,
      labels,
      options,
      buckets,
    );
  }

  const file: ModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    createdAt: options.createdAt ?? new Date().toISOString(),
    target: targetDescription(options.label),
    featurizer: options.featurizer,
    dense: { names: [...DENSE_FEATURES], mean: saved.standardiser.mean, std: saved.standardiser.std, clip: DENSE_CLIP },
    weights: { bias: saved.fit.bias, dense: Array.from(saved.fit.dense), hashed: encodeFloat32(saved.fit.hashed) },
    scoreQuantiles: quantileTable(quantileScores),
    training: {
      data: { file: basename(options.dataPath), rows: dataset.rows.length, sha256, metric: dataset.metric },
      split: {
        ...split,
        holdout: options.holdout,
        trainRows: trainIndices.length,
        testRows: testIndices.length,
        refitAll: options.refitAll,
      },
      label: options.label,
      kind: options.kind,
      regularisation: { l2: options.l2, l2Dense: options.l2Dense },
      optimiser: { name: "L-BFGS", iterations: saved.fit.iterations, converged: saved.fit.converged, loss: saved.fit.loss },
      ...(heldOut ? { heldOut } : {}),
      ...(transfer ? { transfer } : {}),
    },
  };
  // Write then rename: a worker reading the file never sees half of it.
  const temporary = `${options.outPath}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(file)}\n`);
  await rename(temporary, options.outPath);

  const reloaded = TrainedRouter.fromJson(JSON.parse(await readFile(options.outPath, "utf8")), options.outPath);
  const inference = measureInference(reloaded, dataset.rows, options.kind);
  return {
    outPath: options.outPath,
    dataRows: dataset.rows.length,
    trainRows: trainIndices.length,
    testRows: testIndices.length,
    iterations: saved.fit.iterations,
    converged: saved.fit.converged,
    heldOut,
    transfer,
    inference,
    durationMs: Date.now() - started,
  };
}

function targetDescription(label: LabelOptions): string {
  switch (label.mode) {
    case "weak-fails":
      return "P(the cheap tier's answer is wrong / scores below minScore)";
    case "strong-better":
      return "P(the top tier's answer is better than the cheap tier's)";
    case "gain":
      return "(1 + E[top quality − cheap quality]) / 2: how much the cheap tier's answer falls short of the top tier's";
  }
}

/** K folds that each hold out whole sources: mean held-out APGR on sources the fit never saw. */
function transferEstimate(
  dataset: ReplayDataset,
  features: JobFeatures[],
  labels: number[],
  options: TrainOptions,
  buckets: number,
  progress: (message: string) => void,
): NonNullable<TrainReport["transfer"]> {
  const sources = [...new Set(dataset.rows.map((row) => row.source ?? ""))];
  const folds = Math.min(options.transferFolds, sources.length);
  if (folds < 2) throw new UsageError("--transfer-folds needs rows from at least two sources");
  // Deal the sources to folds in a seeded order, so folds are balanced in sources (not rows).
  const foldOf = new Map(
    sources
      .sort((a, b) => splitDraw(a, options.seed) - splitDraw(b, options.seed))
      .map((source, index) => [source, index % folds] as const),
  );
  const foldApgr: number[] = [];
  const foldHeuristic: number[] = [];
  const foldRows: number[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const train: number[] = [];
    const test: number[] = [];
    dataset.rows.forEach((row, index) => (foldOf.get(row.source ?? "") === fold ? test : train).push(index));
    progress(`transfer fold ${fold + 1}/${folds}: ${test.length} rows from unseen sources`);
    const model = fitOn(train, features, labels, options, buckets);
    const rows = test.map((index) => dataset.rows[index]!);
    const metrics = heldOutMetrics(
      rows,
      scoresOf(model, test, features),
      test.map((index) => labels[index]!),
      dataset,
      options.kind,
      options.label,
    );
    foldApgr.push(metrics.apgr);
    foldHeuristic.push(metrics.heuristicApgr);
    foldRows.push(test.length);
  }
  const total = foldRows.reduce((sum, n) => sum + n, 0);
  const weighted = (values: number[]) => values.reduce((sum, value, index) => sum + value * foldRows[index]!, 0) / total;
  return { folds, apgr: weighted(foldApgr), heuristicApgr: weighted(foldHeuristic), foldApgr };
}
