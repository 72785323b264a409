import { sql } from "drizzle-orm";
import type { ProviderName } from "../config/router-config-schema.js";
import { queryRows, type Db } from "../ledger/db/database.js";
import type { ProviderBatchState } from "../ledger/db/schema.js";

/** A `provider_batches` row as the lane reads it. */
export interface ProviderBatchRow {
  id: string;
  provider: ProviderName;
  model: string;
  tier: string;
  state: ProviderBatchState;
  providerBatchId: string | null;
  items: number;
  batchItems: Record<string, number>;
  cancelAt: Date;
  createFailures: number;
  cancelRequestedAt: Date | null;
  ingested: number;
  createdAt: Date;
  submittedAt: Date | null;
}

interface RawRow {
  id: string;
  provider: ProviderName;
  model: string;
  tier: string;
  state: ProviderBatchState;
  provider_batch_id: string | null;
  items: number;
  batch_items: Record<string, number>;
  cancel_at: string | Date;
  create_failures: number;
  cancel_requested_at: string | Date | null;
  ingested: number;
  created_at: string | Date;
  submitted_at: string | Date | null;
}

const date = (value: string | Date) => (value instanceof Date ? value : new Date(value));
const fromRaw = (row: RawRow): ProviderBatchRow => ({
  id: row.id,
  provider: row.provider,
  model: row.model,
  tier: row.tier,
  state: row.state,
  providerBatchId: row.provider_batch_id,
  items: row.items,
  batchItems: row.batch_items ?? {},
  cancelAt: date(row.cancel_at),
  createFailures: row.create_failures,
  cancelRequestedAt: row.cancel_requested_at === null ? null : date(row.cancel_requested_at),
  ingested: row.ingested,
  createdAt: date(row.created_at),
  submittedAt: row.submitted_at === null ? null : date(row.submitted_at),
});

const COLUMNS = sql`id, provider, model, tier, state, provider_batch_id, items, batch_items, cancel_at, create_failures,
  cancel_requested_at, ingested, created_at, submitted_at`;

/** The `provider_batches` table: each state change of a submission, one statement. */
export function providerBatchStore(db: Db) {
  const one = async (id: string) =>
    (await queryRows<RawRow>(db, sql`select ${COLUMNS} from provider_batches where id = ${id}`)).map(fromRaw)[0];
  return {
    get: one,
    /** Before the provider is called. Idempotent: reconciliation may write the row of a claim whose submitter died. */
    async insertSubmitting(row: {
      id: string;
      provider: ProviderName;
      model: string;
      tier: string;
      items: number;
      batchItems: Record<string, number>;
      cancelAt: Date;
      createdAt: Date;
    }): Promise<void> {
      await db.execute(sql`insert into provider_batches (id, provider, model, tier, state, items, batch_items, cancel_at, created_at)
        values (${row.id}, ${row.provider}, ${row.model}, ${row.tier}, 'submitting', ${row.items},
          ${JSON.stringify(row.batchItems)}::jsonb, ${row.cancelAt.toISOString()}::timestamptz,
          ${row.createdAt.toISOString()}::timestamptz)
        on conflict (id) do nothing`);
    },
    async markSubmitted(id: string, providerBatchId: string, submittedAt: Date): Promise<void> {
      await db.execute(sql`update provider_batches set state = 'submitted', provider_batch_id = ${providerBatchId},
        submitted_at = coalesce(submitted_at, ${submittedAt.toISOString()}::timestamptz), last_error = null
        where id = ${id} and state = 'submitting'`);
    },
    async recordCreateFailure(id: string, error: string): Promise<number> {
      const rows = await queryRows<{ create_failures: number }>(
        db,
        sql`update provider_batches set create_failures = create_failures + 1, last_error = ${error.slice(0, 2000)}
          where id = ${id} returning create_failures`,
      );
      return rows[0]?.create_failures ?? 0;
    },
    async markFailed(id: string, error: string): Promise<void> {
      await db.execute(
        sql`update provider_batches set state = 'failed', last_error = ${error.slice(0, 2000)}, ended_at = now() where id = ${id}`,
      );
    },
    async markIngesting(id: string, endedAt: Date | undefined): Promise<void> {
      await db.execute(sql`update provider_batches set state = 'ingesting', ended_at = coalesce(ended_at, ${(endedAt ?? new Date()).toISOString()}::timestamptz)
        where id = ${id} and state = 'submitted'`);
    },
    async markEnded(id: string, ingested: number): Promise<void> {
      await db.execute(sql`update provider_batches set state = 'ended', ingested = ${ingested} where id = ${id}`);
    },
    async markCancelRequested(id: string): Promise<void> {
      await db.execute(sql`update provider_batches set cancel_requested_at = coalesce(cancel_requested_at, now()) where id = ${id}`);
    },
    async noteError(id: string, error: string): Promise<void> {
      await db.execute(sql`update provider_batches set last_error = ${error.slice(0, 2000)} where id = ${id}`);
    },
    /** The submissions a provider's poller looks after: not yet ended. */
    async open(provider: ProviderName): Promise<ProviderBatchRow[]> {
      return (
        await queryRows<RawRow>(
          db,
          sql`select ${COLUMNS} from provider_batches where provider = ${provider} and state in ('submitting', 'submitted', 'ingesting') order by created_at`,
        )
      ).map(fromRaw);
    },
    /** Open submissions holding items of a request batch (for `batch ID --cancel`). */
    async openForRequestBatch(batchId: string): Promise<ProviderBatchRow[]> {
      return (
        await queryRows<RawRow>(
          db,
          sql`select ${COLUMNS} from provider_batches where batch_items ? ${batchId} and state in ('submitting', 'submitted')`,
        )
      ).map(fromRaw);
    },
  };
}
export type ProviderBatchStore = ReturnType<typeof providerBatchStore>;
