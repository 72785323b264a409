import type { Command } from "commander";
import { batchStatus, type BatchStatus } from "../../report/query/batch-status.js";
import { createFinishRateTracker, etaMs, formatDuration } from "../../report/query/finish-rate.js";
import { displayUsd, parseUsd } from "../../pricing/money.js";
import { createProgress } from "../progress.js";
import { withRuntime } from "../with-runtime.js";
import { configuredTierOrder } from "./report.js";

const POLL_INTERVAL_MS = 1_000;

const usd = (value: string) => `$${displayUsd(parseUsd(value), 4)}`;

export function describeBatch(status: BatchStatus): string {
  const finished = status.succeeded + status.failed;
  const percent = status.jobs > 0 ? ` (${Math.floor((1000 * finished) / status.jobs) / 10}%)` : "";
  const eta = status.done
    ? "done"
    : status.etaMs === null
      ? "ETA unknown until a job finishes"
      : `ETA ${formatDuration(status.etaMs)} at ${status.finishRatePerSecond}/s`;
  const lines = [
    `batch ${status.id} (${status.name}), created ${status.createdAt}`,
    `jobs ${status.jobs}: ${finished} finished${percent} (${status.succeeded} succeeded, ${status.failed} failed), ${status.queued} in progress; ${status.rejectedAtEnqueue} rejected at enqueue; ${eta}`,
    `escalated ${status.escalated}; cost ${usd(status.costUsd)}; all-top-tier baseline ${usd(status.baselineCostUsd)}`,
  ];
  if (!status.done) lines.push(`cost so far, calls of unfinished jobs included: ${usd(status.costSoFarUsd)}`);
  for (const tier of status.byFinalTier) lines.push(`  ended in ${tier.tier}: ${tier.requests} requests, ${usd(tier.costUsd)}`);
  if (status.byTier.length > 0) {
    lines.push("per tier:");
    for (const tier of status.byTier) {
      lines.push(`  ${tier.tier}: ${tier.calls} calls (${tier.failedCalls} failed), ${usd(tier.costUsd)}; ${tier.requestsEnded} requests ended there`);
    }
  }
  return lines.join("\n");
}

export function registerBatch(program: Command): void {
  program
    .command("batch")
    .description("progress and totals of one batch: finished, cost so far, per-tier split, ETA")
    .argument("<id>", "the batch id printed by enqueue")
    .option("--wait", "wait until every job of the batch has finished, with a live bar")
    .option("--json", "print JSON")
    .action((id: string, flags: { wait?: boolean; json?: boolean }) =>
      withRuntime({}, async (runtime) => {
        const { db } = await runtime.database();
        const tierOrder = await configuredTierOrder(runtime);
        let status = await batchStatus(db, id, { tierOrder });
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
        process.stdout.write(`${flags.json ? JSON.stringify(status, null, 2) : describeBatch(status)}\n`);
      }),
    );
}
