import { existsSync } from "node:fs";
import type { Command } from "commander";
import { streamJobFile } from "../../jobs/read-job-file.js";
import { estimateJson, estimateTable } from "../../estimate/format-estimate.js";
import type { History } from "../../estimate/history.js";
import { loadHistory } from "../../estimate/ledger-history.js";
import { screenJobStream } from "../../estimate/screen-jobs.js";
import type { Runtime } from "../../runtime/runtime.js";
import { EXIT, withRuntime } from "../with-runtime.js";

interface EstimateFlags {
  batch?: string;
  batchId?: string;
  kind?: string;
  labels?: string;
  feature?: string;
  config?: string;
  budgetUsd?: string;
  format?: string;
  history?: boolean;
  historyDays?: string;
}

const SHOWN_REJECTIONS = 50;

export function registerEstimate(program: Command): void {
  program
    .command("estimate")
    .description("dry run: what a file of jobs would cost (low / expected / worst / baseline); no provider call, nothing written")
    .argument("<file>", "jobs, one per line (.jsonl) or row (.csv), as for enqueue")
    .option("--batch <name>", "accepted for symmetry with enqueue (ignored)")
    .option("--batch-id <id>", "accepted for symmetry with enqueue (ignored)")
    .option("--kind <kind>", "kind for lines that give none: classify | summarize | extract | generate")
    .option("--labels <a,b,c>", "labels for classify lines that give none")
    .option("--feature <name>", "feature for lines that give none")
    .option("--budget-usd <n>", "accepted for symmetry with enqueue (ignored)")
    .option("--max-wait <d>", "accepted for symmetry with enqueue (ignored: waiting for busy models costs nothing)")
    .option("--config <file>", "tiers YAML (default: LLM_ROUTER_CONFIG or config/tiers.yaml)")
    .option("--format <format>", "table | json (default: table)", "table")
    .option("--no-history", "use the documented defaults only, without reading the ledger")
    .option("--history-days <n>", "how far back the ledger's history is read (default: 30)", "30")
    .action((file: string, flags: EstimateFlags) =>
      withRuntime({ configPath: flags.config }, async (runtime) => {
        if (flags.format !== "table" && flags.format !== "json") {
          process.stderr.write(`error: --format must be table or json, got "${flags.format}"\n`);
          return EXIT.usage;
        }
        const days = Number(flags.historyDays);
        if (!Number.isFinite(days) || days <= 0) {
          process.stderr.write(`error: --history-days must be a positive number, got "${flags.historyDays}"\n`);
          return EXIT.usage;
        }
        const config = await runtime.config();
        const priceBook = await runtime.priceBook();
        const candidates = streamJobFile(file, {
          kind: flags.kind,
          labels: flags.labels?.split(",").map((label) => label.trim()),
          feature: flags.feature,
        });
        const { jobs, rejected } = await screenJobStream(candidates, config);
        for (const rejection of rejected.slice(0, SHOWN_REJECTIONS)) {
          process.stderr.write(`${file}:${rejection.line}: rejected: ${rejection.reason}\n`);
        }
        if (rejected.length > SHOWN_REJECTIONS) process.stderr.write(`... and ${rejected.length - SHOWN_REJECTIONS} more rejected lines\n`);
        const history = flags.history === false ? new Map() : await readHistory(runtime, days);
        // Loaded here, not at start-up: the tokenizers' tables would slow every other command.
        const { estimateJobs } = await import("../../estimate/estimate-batch.js");
        const estimate = estimateJobs(jobs, config, priceBook, history);
        process.stdout.write(
          flags.format === "json" ? `${JSON.stringify(estimateJson(estimate), null, 2)}\n` : `${estimateTable(estimate, jobs.length)}\n`,
        );
        return rejected.length > 0 ? EXIT.partial : EXIT.ok;
      }),
    );
}

/** The ledger's history, or none (with a note) when there is no ledger yet: a dry run creates nothing. */
async function readHistory(runtime: Runtime, days: number): Promise<History> {
  if (runtime.env.DATABASE_URL === undefined && !existsSync(runtime.env.PGLITE_DIR)) return new Map();
  try {
    return await loadHistory((await runtime.database()).db, days);
  } catch (error) {
    process.stderr.write(`note: no ledger history (${(error as Error).message.split("\n")[0]}); using the defaults\n`);
    return new Map();
  }
}
