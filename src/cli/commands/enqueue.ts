import { basename } from "node:path";
import type { Command } from "commander";
import { openJobFile } from "../../jobs/read-job-file.js";
import { MAX_WAIT_FORMAT, parseMaxWaitMs } from "../../jobs/max-wait.js";
import { UsageError } from "../../errors/router-error.js";
import { createProducer, newBatchId } from "../../produce/producer.js";
import { createBudgetGuard } from "../../guards/budget-guard.js";
import { parseBudgetUsd } from "../budget-flag.js";
import { createProgress } from "../progress.js";
import { EXIT, withRuntime } from "../with-runtime.js";

interface EnqueueFlags {
  batch?: string;
  batchId?: string;
  kind?: string;
  labels?: string;
  feature?: string;
  deadline?: string;
  maxWait?: string;
  config?: string;
  json?: boolean;
  allowRepeat?: boolean;
  budgetUsd?: string;
}

/** How many rejected lines to print in full; the rest are counted. */
const SHOWN_REJECTIONS = 50;

export function registerEnqueue(program: Command): void {
  program
    .command("enqueue")
    .description("validate a JSONL or CSV file of jobs and queue the good ones; prints the batch id")
    .argument("<file>", "jobs, one per line (.jsonl) or row (.csv)")
    .option("--batch <name>", "batch name (default: the file name)")
    .option("--batch-id <id>", "add to an existing batch, e.g. to resume an enqueue that stopped")
    .option("--kind <kind>", "kind for lines that give none: classify | summarize | extract | generate")
    .option("--labels <a,b,c>", "labels for classify lines that give none")
    .option("--feature <name>", "feature for lines that give none")
    .option(
      "--deadline <d>",
      'lines without one may wait this long ("6h", or an ISO time): they go through the provider batch APIs at batch prices',
    )
    .option(
      "--max-wait <d>",
      'lines without one wait at most this long (e.g. "2m", "30s") for models that are cooling down or circuit-open, then escalate or fail (default: the config\'s maxWaitMs, 10 min)',
    )
    .option("--config <file>", "tiers YAML (default: LLM_ROUTER_CONFIG or config/tiers.yaml)")
    .option("--allow-repeat", "enqueue even if an earlier batch had exactly this content (its jobs run, and are paid for, again)")
    .option("--budget-usd <n>", "hard budget for the batch in USD: no call that could take it over is made (default: none)")
    .option("--json", "print the result as JSON")
    .action((file: string, flags: EnqueueFlags) =>
      withRuntime({ configPath: flags.config }, async (runtime) => {
        if (flags.maxWait !== undefined && parseMaxWaitMs(flags.maxWait) === undefined) {
          throw new UsageError(`--max-wait must be ${MAX_WAIT_FORMAT}; got "${flags.maxWait}"`);
        }
        const budget = flags.budgetUsd === undefined ? undefined : parseBudgetUsd(flags.budgetUsd);
        const source = await openJobFile(file, {
          kind: flags.kind,
          labels: flags.labels?.split(",").map((label) => label.trim()),
          feature: flags.feature,
          deadline: flags.deadline,
          maxWait: flags.maxWait,
        });
        const database = await runtime.database();
        const producer = createProducer({
          db: database.db,
          config: await runtime.config(),
        });
        runtime.shutdown.register("producer", () => producer.close());
        // The budget is in place before the first job can reach a worker.
        const batchId = flags.batchId ?? (budget === undefined ? undefined : newBatchId());
        if (budget !== undefined) {
          const config = await runtime.config();
          await createBudgetGuard({
            redis: runtime.redis(),
            prefix: runtime.env.QUEUE_PREFIX,
            budgets: () => config.budgets,
          }).setBatchLimit(batchId!, budget);
        }
        // Progress in bytes of the file, over both passes (the survey, then the writing).
        const progress = createProgress("enqueue");
        let shown = 0;
        const report = await producer.enqueue(source, {
          batchName: flags.batch ?? basename(file),
          batchId,
          allowRepeat: flags.allowRepeat,
          onProgress: (done, total, phase) => progress.update(done, total, phase === "survey" ? "(reading ahead)" : ""),
          // Printed as each chunk is written, so a long file's bad lines are seen while it runs.
          onRejected: (rejection) => {
            if (shown++ < SHOWN_REJECTIONS) process.stderr.write(`${file}:${rejection.line}: rejected: ${rejection.reason}\n`);
          },
        });
        progress.stop();
        if (report.rejectedCount > SHOWN_REJECTIONS) {
          process.stderr.write(`... and ${report.rejectedCount - SHOWN_REJECTIONS} more rejected lines\n`);
        }
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
        } else {
          process.stderr.write(`queued ${report.accepted}, duplicates skipped ${report.duplicates}, rejected ${report.rejectedCount}\n`);
          if (report.batchCreated) process.stdout.write(`${report.batchId}\n`);
          else if (report.duplicates > 0) {
            // No empty batch: point at the batch(es) that already hold these jobs instead.
            process.stderr.write(`every job was already queued, under batch ${report.alreadyQueuedIn.join(", ")}; no new batch made\n`);
            process.stdout.write(`${report.alreadyQueuedIn[0]}\n`);
          } else process.stderr.write("nothing was queued; no batch made\n");
        }
        return report.rejectedCount > 0 ? EXIT.partial : EXIT.ok;
      }),
    );
}
