import type { Command } from "commander";
import { batchStatus, type BatchStatus } from "../../report/query/batch-status.js";
import { createFinishRateTracker, etaMs, formatDuration } from "../../report/query/finish-rate.js";
import { describeBatch, describeBudget, usd } from "../../report/render/describe-batch.js";
import { batchBudget } from "../../report/query/batch-budget.js";
import { createBudgetGuard } from "../../guards/budget-guard.js";
import { parseBudgetUsd, resumePausedJobs } from "../budget-flag.js";
import { createProgress } from "../progress.js";
import { withRuntime } from "../with-runtime.js";
import { cacheRatesOf, configuredTierOrder } from "./report.js";
import { batchCache } from "../../report/query/batch-cache.js";
import { describeBatchCache } from "../../report/render/describe-batch-cache.js";

const POLL_INTERVAL_MS = 1_000;

export function registerBatch(program: Command): void {
  program
    .command("batch")
    .description("progress and totals of one batch: finished, cost so far, per-tier split, ETA")
    .argument("<id>", "the batch id printed by enqueue")
    .option("--wait", "wait until every job of the batch has finished, with a live bar")
    .option("--json", "print JSON")
    .option("--budget-usd <n>", "set (raise or lower) the batch's hard budget in USD; jobs paused on it resume")
    .action((id: string, flags: { wait?: boolean; json?: boolean; budgetUsd?: string }) =>
      withRuntime({}, async (runtime) => {
        const { db } = await runtime.database();
        const tierOrder = await configuredTierOrder(runtime);
        let status = await batchStatus(db, id, { tierOrder });
        const config = await runtime.config();
        const guard = createBudgetGuard({ redis: runtime.redis(), prefix: runtime.env.QUEUE_PREFIX, budgets: () => config.budgets });
        if (flags.budgetUsd !== undefined) {
          await guard.setBatchLimit(id, parseBudgetUsd(flags.budgetUsd));
          await resumePausedJobs(runtime.redis(), runtime.env.QUEUE_PREFIX, config);
        }
        if (flags.wait) {
          const progress = createProgress(`batch ${status.name}`);
          // The live ETA follows the recent pace, not the average since the batch was created.
          const rate = createFinishRateTracker();
          const extra = (current: BatchStatus) => {
            const perSecond = rate.sample(current.finished, Date.now()) ?? current.finishRatePerSecond;
            const eta = etaMs(current.queued, perSecond);
            return `failed ${current.failed} | ${usd(current.costSoFarUsd)} | ETA ${eta === null ? "?" : formatDuration(eta)}`;
          };
          while (!status.done) {
            progress.update(status.finished, status.jobs, extra(status));
            await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
            status = await batchStatus(db, id, { tierOrder });
          }
          progress.update(status.finished, status.jobs, extra(status));
          progress.stop();
        }
        const budget = await batchBudget(guard, id, status.done);
        const cache = await batchCache(db, id, await cacheRatesOf(runtime));
        const lines = [describeBatch(status), describeBatchCache(cache), ...(budget ? [describeBudget(budget)] : [])];
        process.stdout.write(`${flags.json ? JSON.stringify({ ...status, cache, budget }, null, 2) : lines.join("\n")}\n`);
      }),
    );
}
