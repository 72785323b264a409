import type { Command } from "commander";
import { UsageError } from "../../errors/router-error.js";
import type { Runtime } from "../../runtime/runtime.js";
import { batchStatus, type BatchStatus } from "../../report/query/batch-status.js";
import { createFinishRateTracker, etaMs, formatDuration } from "../../report/query/finish-rate.js";
import { describeBatch, describeBudget, usd } from "../../report/render/describe-batch.js";
import { batchBudget } from "../../report/query/batch-budget.js";
import { createBudgetGuard } from "../../guards/budget-guard.js";
import { parseBudgetUsd, resumePausedJobs } from "../budget-flag.js";
import { openBatchControl } from "../batch-control.js";
import { createProgress } from "../progress.js";
import { cancelProviderBatches, type ProviderCancelReport } from "../../batch-lane/cancel-provider-batches.js";
import { createBatchProviders } from "../../batch-lane/batch-provider-registry.js";
import { EXIT, withRuntime } from "../with-runtime.js";
import { cacheRatesOf, configuredTierOrder } from "./report.js";
import { batchCache } from "../../report/query/batch-cache.js";
import { describeBatchCache } from "../../report/render/describe-batch-cache.js";
import { readBatchWaiting } from "../../batches/batch-waiting.js";
import { describeWaiting } from "../../report/render/describe-waiting.js";

const POLL_INTERVAL_MS = 1_000;

interface BatchFlags {
  wait?: boolean;
  json?: boolean;
  cancel?: boolean;
  retryFailed?: boolean;
  budgetUsd?: string;
}

export function registerBatch(program: Command): void {
  program
    .command("batch")
    .description(
      "progress and totals of one batch (finished, cost so far, per-tier split, ETA, top failure reasons); cancel it or retry its failures",
    )
    .argument("<id>", "the batch id printed by enqueue")
    .option("--wait", `wait until every job of the batch has finished, with a live bar; exit ${EXIT.partial} if any request failed`)
    .option("--json", "print JSON")
    .option("--budget-usd <n>", "set (raise or lower) the batch's hard budget in USD; jobs paused on it resume")
    .option("--cancel", "take its waiting and delayed jobs out of every queue and end them as cancelled (running calls finish); idempotent")
    .option("--retry-failed", "run its failed requests again from intake (same ids; attempts and cost add up)")
    .action((id: string, flags: BatchFlags) =>
      withRuntime({}, async (runtime) => {
        if (flags.cancel && flags.retryFailed) throw new UsageError("--cancel and --retry-failed exclude each other");
        if (flags.cancel || flags.retryFailed) {
          const control = await openBatchControl(runtime);
          const outcome = flags.cancel ? await control.cancel(id) : await control.retryFailed(id);
          // The batch lane: our open provider batches of this batch are cancelled too (their partial results are ingested by the workers).
          const providerBatches = flags.cancel
            ? await cancelProviderBatches((await runtime.database()).db, createBatchProviders(runtime.env, await runtime.config()), id)
            : undefined;
          const shown = providerBatches ? { ...outcome, providerBatches } : outcome;
          process.stdout.write(
            `${flags.json ? JSON.stringify(shown, null, 2) : describeControl(outcome)}${providerBatches ? `\n${describeProviderCancel(providerBatches)}` : ""}\n`,
          );
          if (!flags.wait) return EXIT.ok;
        }
        const status = await showStatus(runtime, id, flags);
        // A batch that ended with failed requests is not a success for a script waiting on it.
        return flags.wait && status.failed > 0 ? EXIT.partial : EXIT.ok;
      }),
    );
}

function describeControl(outcome: Awaited<ReturnType<Awaited<ReturnType<typeof openBatchControl>>["cancel" | "retryFailed"]>>): string {
  if ("cancelledAt" in outcome) {
    return (
      `batch ${outcome.batchId} ${outcome.newlyCancelled ? "cancelled" : "was already cancelled"} (at ${outcome.cancelledAt}): ` +
      `${outcome.removedJobs} jobs taken out of the queues, ${outcome.cancelledRequests} requests cancelled, ` +
      `${outcome.stillRunning} running (they finish and are recorded)`
    );
  }
  const missing = outcome.missing.length;
  return (
    `batch ${outcome.batchId}: ${outcome.retried} failed requests queued again` +
    (missing > 0 ? `; ${missing} could not be (their jobs are no longer in Redis), e.g. ${outcome.missing.slice(0, 3).join(", ")}` : "")
  );
}

function describeProviderCancel(report: ProviderCancelReport): string {
  return (
    `provider batches: ${report.cancelled} cancelled (partial results are ingested by the workers), ${report.pending} cancelled once created, ` +
    `${report.shared} shared with other batches left running` +
    (report.refused.length > 0 ? `; refused: ${report.refused.join("; ")}` : "")
  );
}

async function showStatus(runtime: Runtime, id: string, flags: BatchFlags): Promise<BatchStatus> {
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
  // Why its queued jobs wait (busy models, until when): read from Redis only while the batch runs.
  const nowMs = Date.now();
  const waiting = status.done
    ? undefined
    : await readBatchWaiting({ redis: runtime.redis(), prefix: runtime.env.QUEUE_PREFIX, tiers: config.tiers }, id, nowMs);
  const lines = [
    describeBatch(status),
    ...(waiting ? describeWaiting(waiting, nowMs) : []),
    describeBatchCache(cache),
    ...(budget ? [describeBudget(budget)] : []),
  ];
  process.stdout.write(`${flags.json ? JSON.stringify({ ...status, waiting, cache, budget }, null, 2) : lines.join("\n")}\n`);
  return status;
}
