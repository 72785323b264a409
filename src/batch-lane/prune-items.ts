import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../ledger/db/database.js";

/**
 * Deletes the stored items (`provider_batch_items`, each with its job payload) of submissions that
 * ended more than `keepDays` ago and have no duplicate still open: nothing reads them again — a
 * duplicate's ingest is the last reader (it looks items up by custom_id), and the `attempts` rows
 * keep what each item cost. The default 30 days outlasts Anthropic's 29 days of results. With
 * `dryRun` it only counts. Returns the items (to be) deleted.
 */
export async function pruneSubmissionItems(db: Db, options: { keepDays: number; dryRun?: boolean }): Promise<number> {
  const ended = sql`select s.id from provider_batches s
      where s.state = 'ended' and s.duplicate_of is null
        and s.ended_at < now() - make_interval(days => ${options.keepDays}::int)
        and not exists (select 1 from provider_batches d where d.duplicate_of = s.id and d.state <> 'ended')`;
  const [row] = await queryRows<{ n: string }>(
    db,
    options.dryRun
      ? sql`select count(*)::text as n from provider_batch_items where submission_id in (${ended})`
      : sql`with pruned as (delete from provider_batch_items where submission_id in (${ended}) returning 1)
            select count(*)::text as n from pruned`,
  );
  return Number(row?.n ?? 0);
}
