import type { Command } from "commander";
import { renderTable } from "../../report/render/text-table.js";
import { usd } from "../../report/render/describe-batch.js";
import { openBatchControl } from "../batch-control.js";
import { withRuntime } from "../with-runtime.js";

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error(`--limit "${value}" must be a whole number from 1 to 10000`);
  return limit;
}

export function registerBatches(program: Command): void {
  program
    .command("batches")
    .description("recent batches, newest first: jobs, how they ended, cost against the all-top-tier baseline")
    .option("--json", "print JSON")
    .option("--limit <n>", "how many batches (default 20)", parseLimit, 20)
    .action((flags: { json?: boolean; limit: number }) =>
      withRuntime({}, async (runtime) => {
        const batches = await (await openBatchControl(runtime)).list({ limit: flags.limit });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(batches, null, 2)}\n`);
          return;
        }
        if (batches.length === 0) {
          process.stdout.write("(no batches yet)\n");
          return;
        }
        const headers = ["id", "name", "created", "jobs", "succeeded", "failed", "cancelled", "queued", "cost", "baseline"];
        const rows = batches.map((batch) => [
          batch.id,
          batch.name,
          batch.createdAt.slice(0, 19),
          String(batch.jobs),
          String(batch.succeeded),
          String(batch.failed),
          batch.cancelledAt ? `${batch.cancelled} (batch cancelled)` : String(batch.cancelled),
          String(batch.queued),
          usd(batch.costUsd),
          usd(batch.baselineCostUsd),
        ]);
        process.stdout.write(`${renderTable(headers, rows, [false, false, false, true, true, true, true, true, true, true])}\n`);
      }),
    );
}
