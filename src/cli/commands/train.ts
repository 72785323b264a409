import { Option, type Command } from "commander";
import { DEFAULT_FEATURIZER_SPEC } from "../../intake/trained/featurize.js";
import { LABEL_MODES, type LabelMode } from "../../lab/labels.js";
import { DEFAULT_TRAIN_OPTIONS, trainRouter, type TrainReport } from "../../lab/train-router.js";
import { JOB_KINDS, type JobKind } from "../../jobs/job-schema.js";
import { runCommand } from "../exit.js";
import { UsageError } from "../../errors/router-error.js";

interface TrainFlags {
  data: string;
  out: string;
  holdout: string;
  seed: string;
  splitBy: "row" | "source";
  label: LabelMode;
  minScore?: string;
  margin?: string;
  l2: string;
  l2Dense: string;
  buckets: string;
  charNgrams: string;
  maxIterations: string;
  transferFolds: string;
  refitAll?: boolean;
  kind: JobKind;
  json?: boolean;
}

/** A numeric flag, checked: the message names the flag and what it accepts. */
export function parseNumberOption(text: string, flag: string, limits: { min?: number; max?: number; integer?: boolean } = {}): number {
  const value = Number(text);
  const ok =
    text.trim() !== "" &&
    Number.isFinite(value) &&
    (!limits.integer || Number.isInteger(value)) &&
    (limits.min === undefined || value >= limits.min) &&
    (limits.max === undefined || value <= limits.max);
  if (!ok) {
    const range = [limits.min !== undefined ? `>= ${limits.min}` : "", limits.max !== undefined ? `<= ${limits.max}` : ""]
      .filter(Boolean)
      .join(" and ");
    throw new UsageError(`${flag} "${text}" must be ${limits.integer ? "an integer" : "a number"}${range ? ` ${range}` : ""}`);
  }
  return value;
}

function parseCharNgrams(text: string): { min: number; max: number } | null {
  if (text === "off") return null;
  const match = /^(\d)-(\d)$/.exec(text.trim());
  if (!match || Number(match[1]) < 1 || Number(match[1]) > Number(match[2]))
    throw new UsageError(`--char-ngrams "${text}" must be "off" or MIN-MAX, e.g. 3-5`);
  return { min: Number(match[1]), max: Number(match[2]) };
}

export const fixed = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

export function describeTrainReport(report: TrainReport): string {
  const lines = [
    `model written to ${report.outPath}`,
    `rows ${report.dataRows}: trained on ${report.trainRows}, held out ${report.testRows}; L-BFGS ${report.iterations} iterations${report.converged ? "" : " (stopped at the limit)"}`,
  ];
  const held = report.heldOut;
  if (held) {
    lines.push(
      `held-out (${held.rows} rows): APGR ${fixed(held.apgr)} (heuristic ${fixed(held.heuristicApgr)}, random 0.500), CPT(50%) ${fixed(held.cpt50)}, CPT(80%) ${fixed(held.cpt80)}`,
      `  AUC vs "cheap answer wrong" ${fixed(held.aucCheapFails)}, vs "top answer better" ${fixed(held.aucTopBetter)}; log-loss ${fixed(held.logLoss, 4)}, Brier ${fixed(held.brier, 4)}`,
    );
  }
  if (report.transfer) {
    lines.push(
      `unseen sources (${report.transfer.folds} folds): APGR ${fixed(report.transfer.apgr)} (heuristic ${fixed(report.transfer.heuristicApgr)}); per fold ${report.transfer.foldApgr.map((value) => fixed(value, 2)).join(" ")}`,
    );
  }
  lines.push(
    `inference: p50 ${fixed(report.inference.p50Us, 1)} µs, p99 ${fixed(report.inference.p99Us, 1)} µs over ${report.inference.samples} prompts`,
  );
  return lines.join("\n");
}

export function registerTrain(program: Command): void {
  const defaults = DEFAULT_TRAIN_OPTIONS;
  program
    .command("train")
    .description("fit the trained router (logistic regression over hashed n-grams + heuristic signals) on a labelled replay file")
    .requiredOption("--data <file>", "labelled JSONL in the routing replay format (prompt + weak/strong outcomes)")
    .requiredOption("--out <file>", "where to write the model (JSON)")
    .option("--holdout <share>", "share of rows held out for the reported metrics (0: train on all, report none)", String(defaults.holdout))
    .option("--seed <n>", "seed of the train/test split", String(defaults.seed))
    .addOption(
      new Option("--split-by <unit>", "hold out single rows, or whole sources (subjects)")
        .choices(["row", "source"])
        .default(defaults.splitBy),
    )
    .addOption(
      new Option("--label <mode>", 'what "the cheap answer is not good enough" is trained as')
        .choices([...LABEL_MODES])
        .default(defaults.label.mode),
    )
    .option("--min-score <n>", "weak-fails on scored data: a cheap score below this is not good enough (default 8)")
    .option("--margin <n>", "strong-better on scored data: the top score must be this much higher (default 1)")
    .option("--l2 <lambda>", "L2 penalty on the n-gram weights", String(defaults.l2))
    .option("--l2-dense <lambda>", "L2 penalty on the signal weights", String(defaults.l2Dense))
    .option("--buckets <log2>", "hashed feature buckets, as a power of two", String(DEFAULT_FEATURIZER_SPEC.bucketsLog2))
    .option("--char-ngrams <min-max|off>", "character n-grams inside words, e.g. 3-5", "off")
    .option("--max-iterations <n>", "L-BFGS iteration limit", String(defaults.maxIterations))
    .option(
      "--transfer-folds <k>",
      "also estimate transfer: K folds that each hold out whole sources (0: off)",
      String(defaults.transferFolds),
    )
    .option("--refit-all", "after evaluating on the split, fit the saved model on every row (for deployment; do not eval it on this file)")
    .addOption(new Option("--kind <kind>", "job kind of rows that give none").choices([...JOB_KINDS]).default(defaults.kind))
    .option("--json", "print the report as JSON")
    .action((flags: TrainFlags) =>
      runCommand(async () => {
        const report = await trainRouter({
          ...defaults,
          dataPath: flags.data,
          outPath: flags.out,
          holdout: parseNumberOption(flags.holdout, "--holdout", { min: 0, max: 0.95 }),
          seed: parseNumberOption(flags.seed, "--seed", { integer: true }),
          splitBy: flags.splitBy,
          label: {
            mode: flags.label,
            ...(flags.minScore !== undefined ? { minScore: parseNumberOption(flags.minScore, "--min-score") } : {}),
            ...(flags.margin !== undefined ? { margin: parseNumberOption(flags.margin, "--margin", { min: 0 }) } : {}),
          },
          l2: parseNumberOption(flags.l2, "--l2", { min: 0 }),
          l2Dense: parseNumberOption(flags.l2Dense, "--l2-dense", { min: 0 }),
          featurizer: {
            ...DEFAULT_FEATURIZER_SPEC,
            bucketsLog2: parseNumberOption(flags.buckets, "--buckets", { integer: true, min: 4, max: 24 }),
            charNgrams: parseCharNgrams(flags.charNgrams),
          },
          maxIterations: parseNumberOption(flags.maxIterations, "--max-iterations", { integer: true, min: 1 }),
          transferFolds: parseNumberOption(flags.transferFolds, "--transfer-folds", { integer: true, min: 0 }),
          refitAll: flags.refitAll === true,
          kind: flags.kind,
          onProgress: (message) => process.stderr.write(`train: ${message}\n`),
        });
        process.stdout.write(`${flags.json ? JSON.stringify(report, null, 2) : describeTrainReport(report)}\n`);
      }),
    );
}
