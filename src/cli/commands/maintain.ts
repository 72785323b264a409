import { sql } from "drizzle-orm";
import { InvalidArgumentError, type Command } from "commander";
import { pruneSubmissionItems } from "../../batch-lane/prune-items.js";
import { queryRows, type Db } from "../../ledger/db/database.js";
import { renderTable } from "../../report/render/text-table.js";
import { withRuntime } from "../with-runtime.js";

export interface PartitionAction {
  action: "move" | "create" | "drop";
  partition: string;
  /** First day of the month (UTC), inclusive. */
  rangeStart: string;
  /** First day of the next month, exclusive. */
  rangeEnd: string;
  /** Rows moved out of attempts_default, or rows dropped with the partition. */
  rows: number;
}

export interface MaintainOptions {
  /** Months after the current one to have partitions for (default 3). */
  monthsAhead?: number;
  /** Drop partitions entirely older than this many months before the current one; unset keeps everything. */
  keepMonths?: number;
  dryRun?: boolean;
}

/**
 * Partition upkeep of `attempts` (the SQL function attempts_maintain): move strays out of the
 * default partition, create the coming months, and with keepMonths drop whole old months. Dropping
 * a partition leaves no dead rows behind, unlike DELETE. Rollups keep their totals.
 */
export async function maintainPartitions(db: Db, options: MaintainOptions = {}): Promise<PartitionAction[]> {
  const rows = await queryRows<{
    action: PartitionAction["action"];
    partition_name: string;
    range_start: string;
    range_end: string;
    row_count: string;
  }>(
    db,
    sql`select action, partition_name, range_start::text, range_end::text, row_count::text
        from attempts_maintain(${options.monthsAhead ?? 3}::int, ${options.keepMonths ?? null}::int, ${options.dryRun ?? false}::boolean)`,
  );
  return rows.map((row) => ({
    action: row.action,
    partition: row.partition_name,
    rangeStart: row.range_start,
    rangeEnd: row.range_end,
    rows: Number(row.row_count),
  }));
}

function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError("expected a whole number, 0 or more");
  return parsed;
}

export function registerMaintain(program: Command): void {
  program
    .command("maintain")
    .description(
      "keep the attempts table's monthly partitions: create the coming months', move strays out of the default partition, " +
        "and with --keep-months drop old months whole (no DELETE, no bloat; the rollups and reports keep their totals); " +
        "delete the stored items of long-ended provider batches. Run daily.",
    )
    .option("--months-ahead <n>", "months after the current one to create partitions for", nonNegativeInteger, 3)
    .option("--keep-months <n>", "drop partitions older than the current month minus N months (unset: drop nothing)", nonNegativeInteger)
    .option(
      "--keep-batch-items-days <n>",
      "delete the stored items (job payloads) of provider batches that ended more than N days ago",
      nonNegativeInteger,
      30,
    )
    .option("--dry-run", "print what would be done, change nothing")
    .option("--json", "print JSON")
    .action((flags: { monthsAhead: number; keepMonths?: number; keepBatchItemsDays: number; dryRun?: boolean; json?: boolean }) =>
      withRuntime({}, async (runtime) => {
        const { db } = await runtime.database();
        const actions = await maintainPartitions(db, flags);
        const batchItemsPruned = await pruneSubmissionItems(db, { keepDays: flags.keepBatchItemsDays, dryRun: flags.dryRun });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ dryRun: flags.dryRun ?? false, actions, batchItemsPruned }, null, 2)}\n`);
          return;
        }
        const verb = flags.dryRun ? "would " : "";
        if (batchItemsPruned > 0) {
          process.stdout.write(
            `batch items: ${verb}delete ${batchItemsPruned.toLocaleString("en-US")} of provider batches ended over ${flags.keepBatchItemsDays} days ago\n`,
          );
        }
        if (actions.length === 0) {
          process.stdout.write(
            `nothing to do: partitions exist through ${flags.monthsAhead} months ahead${flags.keepMonths === undefined ? "" : `, none older than ${flags.keepMonths} months`}\n`,
          );
          return;
        }
        process.stdout.write(
          `${renderTable(
            ["action", "partition", "from", "to", "rows"],
            actions.map((action) => [
              `${verb}${action.action}`,
              action.partition,
              action.rangeStart,
              action.rangeEnd,
              action.rows.toLocaleString("en-US"),
            ]),
            [false, false, false, false, true],
          )}\n`,
        );
      }),
    );
}
