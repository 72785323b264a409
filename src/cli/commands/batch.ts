import type { Command } from "commander";
import { batchStatus, type BatchStatus } from "../../report/batch-status.js";
import { displayUsd, parseUsd } from "../../pricing/money.js";
import { createProgress } from "../progress.js";
import { withRuntime } from "../with-runtime.js";

const POLL_INTERVAL_MS = 1_000;

export function describeBatch(status: BatchStatus): string {
  const usd = (value: string) => `$${displayUsd(parseUsd(value), 4)}`;
  const finished = status.succeeded + status.failed;
  const lines = [
    `batch ${status.id} (${status.name}), created ${status.createdAt}`,
    `jobs ${status.jobs}: ${finished} finished (${status.succeeded} succeeded, ${status.failed} failed), ${status.queued} in progress; ${status.rejectedAtEnqueue} rejected at enqueue`,
    `escalated ${status.escalated}; cost ${usd(status.costUsd)}; all-top-tier baseline ${usd(status.baselineCostUsd)}`,
  ];
  for (const tier of status.byFinalTier) lines.push(`  ended in ${tier.tier}: ${tier.requests} requests, ${usd(tier.costUsd)}`);
  return lines.join("\n");
}

export function registerBatch(program: Command): void {
  program
    .command("batch")
    .description("progress and totals of one batch")
    .argument("<id>", "the batch id printed by enqueue")
    .option("--wait", "wait until every job of the batch has finished, with a live bar")
    .option("--json", "print JSON")
    .action((id: string, flags: { wait?: boolean; json?: boolean }) =>
      withRuntime({}, async (runtime) => {
        const { db } = await runtime.database();
        let status = await batchStatus(db, id);
        if (flags.wait) {
          const progress = createProgress(`batch ${status.name}`);
          while (!status.done) {
            progress.update(status.succeeded + status.failed, status.jobs, `failed ${status.failed}`);
            await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
            status = await batchStatus(db, id);
          }
          progress.update(status.succeeded + status.failed, status.jobs, `failed ${status.failed}`);
          progress.stop();
        }
        process.stdout.write(`${flags.json ? JSON.stringify(status, null, 2) : describeBatch(status)}\n`);
      }),
    );
}
