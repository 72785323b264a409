import { Option, type Command } from "commander";
import { loadRouterConfig } from "../../config/load-config.js";
import { JOB_KINDS, type JobKind } from "../../jobs/job-schema.js";
import { runCalibrate, type CalibrateResult, type CalibrationSource } from "../../lab/run-calibrate.js";
import { writeRoutingToConfig } from "../../lab/write-routing-config.js";
import { withRuntime } from "../with-runtime.js";
import { fixed, parseNumberOption } from "./train.js";
import { UsageError } from "../../errors/router-error.js";

interface CalibrateFlags {
  data?: string;
  fromLedger?: boolean;
  since?: string;
  batch?: string;
  maxTopShare: string;
  shares?: string;
  classifier: "heuristic" | "trained";
  model?: string;
  config?: string;
  write?: string;
  split: "all" | "train" | "test";
  holdout?: string;
  seed?: string;
  splitBy?: "row" | "source";
  kind: JobKind;
  format: "text" | "json";
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export function describeCalibration(result: CalibrateResult): string {
  const where =
    result.source.kind === "file"
      ? `${result.rows} rows of ${result.source.file}${result.source.split.part === "all" ? "" : ` (${result.source.split.part} split, holdout ${result.source.split.holdout}, seed ${result.source.split.seed})`}`
      : `${result.rows} finished requests in the ledger (${result.source.database})`;
  const e = result.expected;
  const top = result.tiers.length - 1;
  const lines = [
    `calibrated on ${where}, classifier ${result.classifier}${result.modelFile ? ` (${result.modelFile})` : ""}`,
    `target shares (at most, counting each tier with those above it): ${result.tiers.map((tier, index) => `${tier} ${percent(result.target_shares[index] ?? 0)}`).join(", ")}`,
    `thresholds: [${result.thresholds.map((value) => value.toFixed(4)).join(", ")}]`,
    `expected mix: ${result.tiers.map((tier, index) => `${tier} ${percent(e.shares[index] ?? 0)}`).join(", ")}`,
    `expected cost: $${e.cost_usd.toFixed(4)} (all on ${result.tiers[0]}: $${e.always_cheap_cost_usd.toFixed(4)}, all on ${result.tiers[top]}: $${e.always_top_cost_usd.toFixed(4)})`,
  ];
  if (e.quality !== undefined) {
    lines.push(
      `expected quality: ${fixed(e.quality, 4)} (all on ${result.tiers[0]}: ${fixed(e.always_cheap_quality!, 4)}, all on ${result.tiers[top]}: ${fixed(e.always_top_quality!, 4)}; PGR ${fixed(e.pgr!)})` +
        (result.tiers.length > 2 ? " — jobs below the top tier are counted with the cheap answer" : ""),
    );
  } else {
    lines.push("expected quality: unknown (the ledger does not know which answers were good; calibrate on a labelled file for it)");
  }
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  lines.push("", "paste into the tiers file (or use --write FILE):", result.snippet.trimEnd());
  return lines.join("\n");
}

function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--since "${value}" is not a date (e.g. 2026-11-01)`);
  return date;
}

export function registerCalibrate(program: Command): void {
  program
    .command("calibrate")
    .description("set tier thresholds so at most a target share of jobs reaches each tier; prints the expected quality and cost")
    .option("--data <file>", "labelled replay JSONL to score (gives expected quality too)")
    .option("--from-ledger", "use the complexity scores the ledger recorded (DATABASE_URL) instead of a file")
    .option("--since <date>", "ledger: only requests created at or after this time")
    .option("--batch <id>", "ledger: only this batch")
    .option("--max-top-share <share>", "at most this share of jobs on the top tier; the tiers below split the rest evenly", "0.25")
    .option("--shares <a,b,...>", "every tier's share instead, cheapest first (sums to 1)")
    .addOption(
      new Option("--classifier <mode>", "the classifier whose scores are cut").choices(["heuristic", "trained"]).default("heuristic"),
    )
    .option("--model <file>", "trained model file (for --classifier trained)")
    .option("--config <file>", "tiers YAML (default: LLM_ROUTER_CONFIG or config/tiers.yaml)")
    .option("--write <file>", "write classifier, modelFile and thresholds into this tiers file (comments kept)")
    .addOption(
      new Option("--split <part>", "file: rows to use, all or one side of the seeded split")
        .choices(["all", "train", "test"])
        .default("all"),
    )
    .option("--holdout <share>", "split: held-out share (default: the model's training split, else 0.2)")
    .option("--seed <n>", "split: seed (default: the model's, else 1)")
    .addOption(new Option("--split-by <unit>", "split: rows or whole sources").choices(["row", "source"]))
    .addOption(new Option("--kind <kind>", "file: job kind of rows that give none").choices([...JOB_KINDS]).default("generate"))
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .action((flags: CalibrateFlags) =>
      withRuntime({ configPath: flags.config }, async (runtime) => {
        if ((flags.data === undefined) === (flags.fromLedger !== true))
          throw new UsageError("give exactly one of --data FILE or --from-ledger");
        const baseConfig = flags.config ? await loadRouterConfig(flags.config) : await runtime.config();
        let source: CalibrationSource;
        if (flags.data !== undefined) {
          source = {
            kind: "file",
            dataPath: flags.data,
            jobKind: flags.kind,
            split: {
              part: flags.split,
              ...(flags.holdout !== undefined ? { holdout: parseNumberOption(flags.holdout, "--holdout", { min: 0.01, max: 0.99 }) } : {}),
              ...(flags.seed !== undefined ? { seed: parseNumberOption(flags.seed, "--seed", { integer: true }) } : {}),
              ...(flags.splitBy !== undefined ? { by: flags.splitBy } : {}),
            },
          };
        } else {
          const database = await runtime.database();
          source = {
            kind: "ledger",
            db: database.db,
            describe: database.describe,
            ...(flags.since !== undefined ? { since: parseDate(flags.since) } : {}),
            ...(flags.batch !== undefined ? { batchId: flags.batch } : {}),
          };
        }
        const result = await runCalibrate({
          source,
          baseConfig,
          classifier: flags.classifier,
          modelFile: flags.model,
          maxTopShare: parseNumberOption(flags.maxTopShare, "--max-top-share", { min: 0, max: 1 }),
          ...(flags.shares !== undefined
            ? { shares: flags.shares.split(",").map((value) => parseNumberOption(value.trim(), "--shares", { min: 0, max: 1 })) }
            : {}),
        });
        if (flags.write !== undefined) {
          await writeRoutingToConfig(flags.write, {
            classifier: result.classifier,
            modelFile: result.modelFile,
            thresholds: result.thresholds,
          });
          process.stderr.write(`routing thresholds written to ${flags.write}\n`);
        }
        process.stdout.write(`${flags.format === "json" ? JSON.stringify(result, null, 2) : describeCalibration(result)}\n`);
      }),
    );
}
