import { readFile, rename, writeFile } from "node:fs/promises";
import { RouterError } from "../errors/router-error.js";
import type { Db } from "../ledger/db/database.js";
import { DEFAULT_FEATURIZER_SPEC, DENSE_FEATURES, type JobFeatures } from "../intake/trained/featurize.js";
import { decodeFeatures, DEFAULT_FEATURIZER_KEY, featurizerKey } from "../intake/trained/stored-features.js";
import {
  decodeFloat32,
  encodeFloat32,
  MODEL_FORMAT,
  MODEL_VERSION,
  readModelFile,
  TrainedRouter,
  type ModelFile,
} from "../intake/trained/trained-model.js";
import { brierScore, logLoss, rocAuc } from "./classification-metrics.js";
import { fitLogistic, predictLogit, sigmoid, type TrainingRow } from "./logistic-regression.js";
import { readLedgerLabels, type LedgerLabel, type LedgerLabelFilter } from "./ledger-labels.js";
import { routingMetrics, type OutcomePair } from "./routing-metrics.js";
import { DEFAULT_L2, DEFAULT_L2_DENSE, DEFAULT_MAX_ITERATIONS, DENSE_CLIP, quantileTable } from "./train-router.js";

/**
 * `llm-router train --from-ledger`: fits the trained router on the labels the ledger holds (shadow
 * checks, escalations after invalid answers; see ledger-labels.ts) from the stored routing features,
 * so no prompt is needed. The split is by time: the oldest (1 − holdout) of the labels train, the
 * newest are held out — the model is judged on traffic that came after what it learned from.
 */
export interface LedgerTrainOptions {
  outPath: string;
  /** A model to start from (and be pulled towards); must use the default featurizer. Default none. */
  warmStart?: string;
  filter: LedgerLabelFilter;
  /** Refuse below this many labels. Default 200. */
  minLabels: number;
  /** Newest share held out. Default 0.2. */
  holdout: number;
  l2: number;
  l2Dense: number;
  maxIterations: number;
  /** At most this many labels, the oldest first (learning curves). Default all. */
  limit?: number;
  onProgress?: (message: string) => void;
}

export const DEFAULT_MIN_LABELS = 200;

export const DEFAULT_LEDGER_TRAIN_OPTIONS: Omit<LedgerTrainOptions, "outPath" | "filter"> = {
  minLabels: DEFAULT_MIN_LABELS,
  holdout: 0.2,
  l2: DEFAULT_L2,
  l2Dense: DEFAULT_L2_DENSE,
  maxIterations: DEFAULT_MAX_ITERATIONS,
};

export class TooFewLabelsError extends Error {
  override name = "TooFewLabelsError";
}

export interface LabelMetrics {
  rows: number;
  positives: number;
  /** Routing on these labels: a "not good enough" label is weak 0 / strong 1, any other weak 1 / strong 1. */
  apgr: number;
  auc: number;
  logLoss: number;
  brier: number;
}

export interface LedgerTrainReport {
  outPath: string;
  labels: number;
  fromShadow: number;
  fromEscalations: number;
  trainRows: number;
  testRows: number;
  /** Where the split falls: the first held-out label's time. */
  splitAt?: string;
  iterations: number;
  converged: boolean;
  heldOut?: LabelMetrics;
  /** The same held-out rows scored by the warm-start model, unchanged. */
  warmStartHeldOut?: LabelMetrics;
  /** ... and by the heuristic score (a dense feature of the stored features). */
  heuristicHeldOut?: LabelMetrics;
}

const HEURISTIC_INDEX = DENSE_FEATURES.indexOf("heuristic_score");

/** Metrics of scores against 0/1 labels, RouteLLM's APGR included. */
export function labelMetrics(scores: number[], labels: number[]): LabelMetrics {
  const pairs: OutcomePair[] = labels.map((label) => ({ weak: 1 - label, strong: 1 }));
  return {
    rows: labels.length,
    positives: labels.reduce((sum, label) => sum + label, 0),
    apgr: routingMetrics(scores, pairs).apgr,
    auc: rocAuc(scores, labels),
    logLoss: logLoss(scores, labels),
    brier: brierScore(scores, labels),
  };
}

interface Standardiser {
  mean: number[];
  std: number[];
}

function fitStandardiser(features: JobFeatures[]): Standardiser {
  const count = DENSE_FEATURES.length;
  const mean = new Array<number>(count).fill(0);
  const variance = new Array<number>(count).fill(0);
  for (const f of features) for (let k = 0; k < count; k++) mean[k]! += f.dense[k]! / features.length;
  for (const f of features) for (let k = 0; k < count; k++) variance[k]! += (f.dense[k]! - mean[k]!) ** 2 / features.length;
  return { mean, std: variance.map((value) => (value > 1e-12 ? Math.sqrt(value) : 1)) };
}

function trainingRow(features: JobFeatures, standardiser: Standardiser, label: number): TrainingRow {
  const dense = new Float64Array(DENSE_FEATURES.length);
  for (let k = 0; k < dense.length; k++) {
    dense[k] = Math.max(-DENSE_CLIP, Math.min(DENSE_CLIP, (features.dense[k]! - standardiser.mean[k]!) / standardiser.std[k]!));
  }
  return { indices: features.indices, values: features.values, dense, label };
}

/** The warm-start model, checked to read the same features in the same order as the ledger stores. */
function warmStartModel(path: string): TrainedRouter {
  const model = readModelFile(path);
  const key = featurizerKey(model.file.featurizer as typeof DEFAULT_FEATURIZER_SPEC);
  if (key !== DEFAULT_FEATURIZER_KEY) {
    throw new RouterError(
      "input",
      `--warm-start ${path}: its featurizer (${key}) is not the one the ledger stores features with (${DEFAULT_FEATURIZER_KEY})`,
    );
  }
  if (model.file.dense.names.join(",") !== DENSE_FEATURES.join(",")) {
    throw new RouterError(
      "input",
      `--warm-start ${path}: its dense features differ from this version's (${DENSE_FEATURES.length} signals)`,
    );
  }
  return model;
}

/** Fits on labels already read (the CLI reads them from the ledger; tests and learning curves pass their own). */
export async function trainOnLabels(all: LedgerLabel[], options: LedgerTrainOptions): Promise<LedgerTrainReport> {
  const progress = options.onProgress ?? (() => {});
  const labels = options.limit !== undefined ? all.slice(0, options.limit) : all;
  if (labels.length < options.minLabels) {
    throw new TooFewLabelsError(
      `only ${labels.length} label(s) in the ledger for this selection; --min-labels is ${options.minLabels}. ` +
        "Labels come from shadow checks of classify/extract jobs (routing.shadow.rate) and escalations after invalid answers.",
    );
  }
  const warm = options.warmStart !== undefined ? warmStartModel(options.warmStart) : undefined;
  const features = labels.map((label) => decodeFeatures(label.features));
  const y = labels.map((label) => label.label);
  const testCount = Math.floor(labels.length * options.holdout);
  const trainCount = labels.length - testCount;
  const train = Array.from({ length: trainCount }, (_, index) => index);
  const test = Array.from({ length: testCount }, (_, index) => trainCount + index);

  // A warm start keeps its model's standardisation, so its dense weights keep their meaning.
  const standardiser: Standardiser = warm
    ? { mean: [...warm.file.dense.mean], std: [...warm.file.dense.std] }
    : fitStandardiser(train.map((index) => features[index]!));
  const buckets = 2 ** DEFAULT_FEATURIZER_SPEC.bucketsLog2;
  progress(`fitting on ${trainCount} labels (${testCount} newest held out)${warm ? `, warm-started from ${options.warmStart}` : ""}`);
  const fit = fitLogistic(
    train.map((index) => trainingRow(features[index]!, standardiser, y[index]!)),
    { dense: DENSE_FEATURES.length, buckets },
    {
      l2: options.l2,
      l2Dense: options.l2Dense,
      maxIterations: options.maxIterations,
      ...(warm
        ? { prior: { bias: warm.file.weights.bias, dense: warm.file.weights.dense, hashed: decodeFloat32(warm.file.weights.hashed) } }
        : {}),
    },
  );
  const scoreOf = (index: number) => sigmoid(predictLogit(fit, trainingRow(features[index]!, standardiser, 0)));
  const testScores = test.map(scoreOf);
  const testLabels = test.map((index) => y[index]!);
  const heldOut = testCount > 0 ? labelMetrics(testScores, testLabels) : undefined;
  const warmStartHeldOut =
    testCount > 0 && warm
      ? labelMetrics(
          test.map((index) => warm.scoreOfFeatures(features[index]!)),
          testLabels,
        )
      : undefined;
  const heuristicHeldOut =
    testCount > 0
      ? labelMetrics(
          test.map((index) => features[index]!.dense[HEURISTIC_INDEX]!),
          testLabels,
        )
      : undefined;

  const file: ModelFile = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    createdAt: new Date().toISOString(),
    target: "P(the cheap tier's answer is not good enough: a shadow check disagreed, or it was invalid and escalated)",
    featurizer: DEFAULT_FEATURIZER_SPEC,
    dense: { names: [...DENSE_FEATURES], mean: standardiser.mean, std: standardiser.std, clip: DENSE_CLIP },
    weights: { bias: fit.bias, dense: Array.from(fit.dense), hashed: encodeFloat32(fit.hashed) },
    scoreQuantiles: quantileTable(testCount > 0 ? testScores : train.map(scoreOf)),
    training: {
      data: { source: "ledger", filter: describeFilter(options.filter), labels: labels.length },
      split: { by: "time", holdout: options.holdout, trainRows: trainCount, testRows: testCount },
      warmStart: options.warmStart ?? null,
      regularisation: { l2: options.l2, l2Dense: options.l2Dense, towards: warm ? "warm-start weights" : "zero" },
      optimiser: { name: "L-BFGS", iterations: fit.iterations, converged: fit.converged, loss: fit.loss },
      ...(heldOut ? { heldOut } : {}),
    },
  };
  const temporary = `${options.outPath}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(file)}\n`);
  await rename(temporary, options.outPath);
  TrainedRouter.fromJson(JSON.parse(await readFile(options.outPath, "utf8")), options.outPath);
  return {
    outPath: options.outPath,
    labels: labels.length,
    fromShadow: labels.filter((label) => label.source === "shadow").length,
    fromEscalations: labels.filter((label) => label.source === "escalation").length,
    trainRows: trainCount,
    testRows: testCount,
    ...(testCount > 0 ? { splitAt: labels[trainCount]!.at.toISOString() } : {}),
    iterations: fit.iterations,
    converged: fit.converged,
    heldOut,
    warmStartHeldOut,
    heuristicHeldOut,
  };
}

function describeFilter(filter: LedgerLabelFilter): Record<string, string> {
  const out: Record<string, string> = {};
  if (filter.feature !== undefined) out.feature = filter.feature;
  if (filter.since) out.since = filter.since.toISOString();
  if (filter.until) out.until = filter.until.toISOString();
  if (filter.batchId !== undefined) out.batchId = filter.batchId;
  return out;
}

export async function trainFromLedger(db: Db, options: LedgerTrainOptions): Promise<LedgerTrainReport> {
  return trainOnLabels(await readLedgerLabels(db, options.filter), options);
}
