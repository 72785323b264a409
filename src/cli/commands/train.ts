import { Option, type Command } from "commander";
import { DEFAULT_FEATURIZER_SPEC } from "../../intake/trained/featurize.js";
import { LABEL_MODES, type LabelMode } from "../../lab/labels.js";
import { DEFAULT_TRAIN_OPTIONS, trainRouter, type TrainReport } from "../../lab/train-router.js";
import { JOB_KINDS, type JobKind } from "../../jobs/job-schema.js";
import { runCommand } from "../exit.js";
import { UsageError } from "../../errors/router-error.js";
import { DEFAULT_LEDGER_TRAIN_OPTIONS, trainFromLedger, type LabelMetrics, type LedgerTrainReport } from "../../lab/train-from-ledger.js";
import { withRuntime } from "../with-runtime.js";

interface TrainFlags {
  data?: string;
  fromLedger?: boolean;
  warmStart?: string;
  feature?: string;
  since?: string;
  until?: string;
  minLabels: string;
  maxLabels?: string;
  batch?: string;
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
  createdAt?: string;
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

const describeLabelMetrics = (name: string, m: LabelMetrics) =>
  `  ${name.padEnd(11)} APGR ${fixed(m.apgr)}, AUC ${fixed(m.auc)}, log-loss ${fixed(m.logLoss, 4)}, Brier ${fixed(m.brier, 4)} (${m.positives}/${m.rows} not good enough)`;

export function describeLedgerTrainReport(report: LedgerTrainReport): string {
  const lines = [
    `model written to ${report.outPath}`,
    `labels ${report.labels} (${report.fromShadow} shadow checks, ${report.fromEscalations} escalations after invalid answers): trained on the oldest ${report.trainRows}, held out the newest ${report.testRows}${report.splitAt ? ` (from ${report.splitAt})` : ""}; L-BFGS ${report.iterations} iterations${report.converged ? "" : " (stopped at the limit)"}`,
  ];
  if (report.heldOut) {
    lines.push(`held-out (newest ${report.heldOut.rows} labels):`, describeLabelMetrics("this model", report.heldOut));
    if (report.warmStartHeldOut) lines.push(describeLabelMetrics("warm start", report.warmStartHeldOut));
    if (report.heuristicHeldOut) lines.push(describeLabelMetrics("heuristic", report.heuristicHeldOut));
  }
  return lines.join("\n");
}

function parseDateFlag(value: string, flag: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${flag} "${value}" is not a date (use e.g. 2026-01-31 or an ISO timestamp)`);
  return date;
}

function runFromLedger(flags: TrainFlags): Promise<void> {
  return withRuntime({}, async (runtime) => {
    if (flags.data !== undefined) throw new UsageError("give --data or --from-ledger, not both");
    const { db } = await runtime.database();
    const report = await trainFromLedger(db, {
      ...DEFAULT_LEDGER_TRAIN_OPTIONS,
      outPath: flags.out,
      ...(flags.warmStart !== undefined ? { warmStart: flags.warmStart } : {}),
      filter: {
        ...(flags.feature !== undefined ? { feature: flags.feature } : {}),
        ...(flags.batch !== undefined ? { batchId: flags.batch } : {}),
        ...(flags.since !== undefined ? { since: parseDateFlag(flags.since, "--since") } : {}),
        ...(flags.until !== undefined ? { until: parseDateFlag(flags.until, "--until") } : {}),
      },
      minLabels: parseNumberOption(flags.minLabels, "--min-labels", { integer: true, min: 1 }),
      ...(flags.maxLabels !== undefined ? { limit: parseNumberOption(flags.maxLabels, "--max-labels", { integer: true, min: 1 }) } : {}),
      holdout: parseNumberOption(flags.holdout, "--holdout", { min: 0, max: 0.95 }),
      l2: parseNumberOption(flags.l2, "--l2", { min: 0 }),
      l2Dense: parseNumberOption(flags.l2Dense, "--l2-dense", { min: 0 }),
      maxIterations: parseNumberOption(flags.maxIterations, "--max-iterations", { integer: true, min: 1 }),
      onProgress: (message) => process.stderr.write(`train: ${message}\n`),
    });
    process.stdout.write(`${flags.json ? JSON.stringify(report, null, 2) : describeLedgerTrainReport(report)}\n`);
  });
}

export function registerTrain(program: Command): void {
  const defaults = DEFAULT_TRAIN_OPTIONS;
  program
    .command("train")
    .description(
      "fit the trained router (logistic regression over hashed n-grams + heuristic signals) on a labelled replay file, or on the ledger's own labels",
    )
    .option("--data <file>", "labelled JSONL in the routing replay format (prompt + weak/strong outcomes)")
    .option(
      "--from-ledger",
      "train on the ledger (DATABASE_URL): shadow-check verdicts and escalations after invalid answers, from stored features",
    )
    .option("--warm-start <model>", "--from-ledger: start from this model and regularise towards it (default: from zero)")
    .option("--feature <name>", "--from-ledger: only requests of this feature (default: all)")
    .option("--since <date>", "--from-ledger: only requests created at or after this (default: all)")
    .option("--until <date>", "--from-ledger: only requests created before this (default: all)")
    .option("--batch <id>", "--from-ledger: only requests of this batch (default: all)")
    .option("--max-labels <n>", "--from-ledger: at most this many labels, the oldest first (learning curves; default all)")
    .option("--min-labels <n>", "--from-ledger: refuse with fewer labels than this", String(DEFAULT_LEDGER_TRAIN_OPTIONS.minLabels))
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
    .option("--created-at <date>", "--data: the model file's createdAt (default now); pinned, a rebuild is byte-identical")
    .option("--json", "print the report as JSON")
    .action((flags: TrainFlags) =>
      flags.fromLedger
        ? runFromLedger(flags)
        : runCommand(async () => {
            if (flags.data === undefined) throw new UsageError("give --data <file> (a replay file) or --from-ledger");
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
              ...(flags.createdAt !== undefined ? { createdAt: parseDateFlag(flags.createdAt, "--created-at").toISOString() } : {}),
              onProgress: (message) => process.stderr.write(`train: ${message}\n`),
            });
            process.stdout.write(`${flags.json ? JSON.stringify(report, null, 2) : describeTrainReport(report)}\n`);
          }),
    );
}
