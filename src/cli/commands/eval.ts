import { Option, type Command } from "commander";
import { parseEnv } from "../../config/env.js";
import { loadRouterConfig } from "../../config/load-config.js";
import { runEval, type EvalResult } from "../../lab/run-eval.js";
import { JOB_KINDS, type JobKind } from "../../jobs/job-schema.js";
import { createProgress } from "../progress.js";
import { fixed, parseNumberOption } from "./train.js";
import { runCommand } from "../exit.js";

interface EvalFlags {
  data: string;
  classifier: "heuristic" | "trained";
  model?: string;
  config?: string;
  split: "all" | "train" | "test";
  holdout?: string;
  seed?: string;
  splitBy?: "row" | "source";
  threshold?: string;
  topShare?: string;
  kind: JobKind;
  limit?: string;
  concurrency: string;
  shadowRate: string;
  shadowStrategy: "uniform" | "uncertain";
  keepLedger?: boolean;
  format: "table" | "json";
}

const money = (usd: number) => `$${usd.toFixed(4)}`;

export function formatEvalTable(result: EvalResult): string {
  const split =
    result.data.split.part === "all"
      ? "all rows"
      : `${result.data.split.part} split (holdout ${result.data.split.holdout}, seed ${result.data.split.seed}, by ${result.data.split.by})`;
  const lines = [
    `eval ${result.data.file}: ${result.rows} of ${result.data.rows} rows (${split}), ${result.data.metric}`,
    `classifier ${result.classifier}${result.model ? ` (${result.model})` : ""}; top tier when score >= ${result.threshold.toFixed(4)} (${result.threshold_source})`,
    `tiers: ${result.tiers.cheap.tier} = ${result.tiers.cheap.model} (weak answers), ${result.tiers.top.tier} = ${result.tiers.top.model} (strong answers)`,
    "",
    `${"".padEnd(14)}${"quality".padStart(9)}${"cost_usd".padStart(12)}${"top_share".padStart(11)}${"PGR".padStart(8)}`,
  ];
  const row = (name: string, policy: { quality: number; cost_usd: number; top_share: number; pgr: number }) =>
    `${name.padEnd(14)}${fixed(policy.quality, 4).padStart(9)}${money(policy.cost_usd).padStart(12)}${fixed(policy.top_share, 3).padStart(11)}${fixed(policy.pgr, 3).padStart(8)}`;
  lines.push(
    row("router", result.router),
    row("always_cheap", result.always_cheap),
    row("always_top", result.always_top),
    row("random", result.random),
    row("oracle", result.oracle),
    "",
    `APGR ${fixed(result.apgr)}   CPT(50%) ${fixed(result.cpt50)}   CPT(80%) ${fixed(result.cpt80)}   (random: APGR 0.500, CPT = the PGR itself; oracle APGR ${fixed(result.oracle_apgr)})`,
    `pipeline: ${result.pipeline.requests} requests in ${(result.pipeline.duration_ms / 1000).toFixed(1)} s, ledger cost $${result.pipeline.ledger_cost_usd}` +
      `${result.router.failed ? `, ${result.router.failed} failed` : ""}${result.router.escalated ? `, ${result.router.escalated} escalated` : ""}`,
    "APGR/CPT: threshold sweep computed offline from the router's recorded scores; the router row ran through the pipeline.",
  );
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  return lines.join("\n");
}

export function registerEval(program: Command): void {
  program
    .command("eval")
    .description(
      "replay a routing dataset through the real pipeline (fake provider in replay mode) and report quality, cost, PGR, APGR, CPT",
    )
    .requiredOption("--data <file>", "routing replay JSONL (prompt + weak/strong outcomes)")
    .addOption(new Option("--classifier <mode>", "classifier under test").choices(["heuristic", "trained"]).default("heuristic"))
    .option("--model <file>", "trained model file (for --classifier trained)")
    .option(
      "--config <file>",
      "tiers YAML: its cheapest and top tiers are the two eval tiers (default: LLM_ROUTER_CONFIG or config/tiers.yaml)",
    )
    .addOption(
      new Option("--split <part>", "rows to evaluate: all, or one side of the seeded train/test split")
        .choices(["all", "train", "test"])
        .default("all"),
    )
    .option("--holdout <share>", "split: held-out share (default: the model's training split, else 0.2)")
    .option("--seed <n>", "split: seed (default: the model's training split, else 1)")
    .addOption(new Option("--split-by <unit>", "split: rows or whole sources (default: the model's, else row)").choices(["row", "source"]))
    .option("--threshold <score>", "top tier when score >= this (default: the config's / classifier's top-tier threshold)")
    .option("--top-share <share>", "set the threshold so this share of the rows goes to the top tier")
    .addOption(new Option("--kind <kind>", "job kind of rows that give none").choices([...JOB_KINDS]).default("generate"))
    .option("--limit <n>", "only the first N selected rows")
    .option("--concurrency <n>", "calls in flight per tier", "32")
    .option(
      "--shadow-rate <share>",
      "shadow-check this share of the cheap tier's answers, with verdicts from the recorded outcomes: labels for `train --from-ledger`",
      "0",
    )
    .addOption(
      new Option("--shadow-strategy <strategy>", "how the shadow rate is spread (routing.shadow.strategy)")
        .choices(["uniform", "uncertain"])
        .default("uniform"),
    )
    .option(
      "--keep-ledger",
      "keep the run in the ledger at DATABASE_URL (or the embedded PGlite) for train --from-ledger, report and reprice; default: a throw-away ledger, deleted at the end",
    )
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action((flags: EvalFlags) =>
      runCommand(async () => {
        const env = parseEnv();
        const baseConfig = await loadRouterConfig(flags.config ?? env.LLM_ROUTER_CONFIG);
        const progress = createProgress("eval");
        const result = await runEval(
          {
            dataPath: flags.data,
            classifier: flags.classifier,
            modelFile: flags.model,
            baseConfig,
            split: {
              part: flags.split,
              ...(flags.holdout !== undefined ? { holdout: parseNumberOption(flags.holdout, "--holdout", { min: 0.01, max: 0.99 }) } : {}),
              ...(flags.seed !== undefined ? { seed: parseNumberOption(flags.seed, "--seed", { integer: true }) } : {}),
              ...(flags.splitBy !== undefined ? { by: flags.splitBy } : {}),
            },
            threshold: flags.threshold !== undefined ? parseNumberOption(flags.threshold, "--threshold", { min: 0, max: 1 }) : undefined,
            topShare: flags.topShare !== undefined ? parseNumberOption(flags.topShare, "--top-share", { min: 0, max: 1 }) : undefined,
            kind: flags.kind,
            limit: flags.limit !== undefined ? parseNumberOption(flags.limit, "--limit", { integer: true, min: 1 }) : undefined,
            shadowRate: parseNumberOption(flags.shadowRate, "--shadow-rate", { min: 0, max: 1 }),
            shadowStrategy: flags.shadowStrategy,
            keepLedger: flags.keepLedger === true,
            concurrency: parseNumberOption(flags.concurrency, "--concurrency", { integer: true, min: 1, max: 1000 }),
            onProgress: (done, total) => progress.update(done, total),
            onMessage: (message) => process.stderr.write(`${message}\n`),
          },
          env,
        );
        progress.stop();
        process.stdout.write(`${flags.format === "json" ? JSON.stringify(result) : formatEvalTable(result)}\n`);
      }),
    );
}
