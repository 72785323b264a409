import { sql } from "drizzle-orm";
import type { ProviderName } from "../config/router-config-schema.js";
import { queryRows, type Db } from "../ledger/db/database.js";
import type { ProviderBatchState } from "../ledger/db/schema.js";
import type { LaneItem } from "../tiers/batch-lane-hook.js";

/** Items written per INSERT (one JSON parameter each): a 50,000-item submission is 50 statements in one transaction. */
const ITEMS_PER_INSERT = 1_000;

/** One stored item of a submission, as reconciliation reads it back after Redis lost the lane's hashes. */
export interface StoredItem {
  item: LaneItem;
  /** Its attempt row exists: its result was ingested (and went on) before Redis lost the done mark. */
  ingested: boolean;
}

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
  /** Set on a duplicate provider batch of that submission (schema.ts providerBatches.duplicateOf). */
  duplicateOf: string | null;
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
  duplicate_of: string | null;
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
  duplicateOf: row.duplicate_of,
});

const COLUMNS = sql`id, provider, model, tier, state, provider_batch_id, items, batch_items, cancel_at, create_failures,
  cancel_requested_at, ingested, created_at, submitted_at, duplicate_of`;

/** The `provider_batches` table: each state change of a submission, one statement. */
export function providerBatchStore(db: Db) {
  const one = async (id: string) =>
    (await queryRows<RawRow>(db, sql`select ${COLUMNS} from provider_batches where id = ${id}`)).map(fromRaw)[0];
  return {
    get: one,
    /**
     * Before the provider is called: the row and its items (what each custom_id stands for), in one
     * transaction, so no provider batch exists whose items Postgres does not know. Idempotent.
     */
    async insertSubmitting(row: {
      id: string;
      provider: ProviderName;
      model: string;
      tier: string;
      items: number;
      batchItems: Record<string, number>;
      cancelAt: Date;
      createdAt: Date;
      laneItems: readonly LaneItem[];
    }): Promise<void> {
      await db.transaction(async (tx) => {
        const inserted = await queryRows<{ id: string }>(
          tx,
          sql`insert into provider_batches (id, provider, model, tier, state, items, batch_items, cancel_at, created_at)
            values (${row.id}, ${row.provider}, ${row.model}, ${row.tier}, 'submitting', ${row.items},
              ${JSON.stringify(row.batchItems)}::jsonb, ${row.cancelAt.toISOString()}::timestamptz,
              ${row.createdAt.toISOString()}::timestamptz)
            on conflict (id) do nothing returning id`,
        );
        if (inserted.length === 0) return;
        for (let start = 0; start < row.laneItems.length; start += ITEMS_PER_INSERT) {
          const page = row.laneItems.slice(start, start + ITEMS_PER_INSERT);
          await tx.execute(sql`insert into provider_batch_items (attempt_id, submission_id, request_id, item)
            select (x ->> 'attemptId')::uuid, ${row.id}, x -> 'job' ->> 'requestId', x
            from jsonb_array_elements(${JSON.stringify(page)}::jsonb) as x
            on conflict (attempt_id) do nothing`);
        }
      });
    },
    /**
     * A submission's stored items in pages (memory stays one page), each with whether its attempt
     * row exists. Empty for a submission written before items were stored (migration 0012).
     */
    async *items(submissionId: string, pageSize = ITEMS_PER_INSERT): AsyncGenerator<StoredItem[]> {
      let after = "00000000-0000-0000-0000-000000000000";
      for (;;) {
        const page = await queryRows<{ attempt_id: string; item: LaneItem; ingested: boolean }>(
          db,
          sql`select i.attempt_id::text, i.item, exists (select 1 from attempts a where a.id = i.attempt_id) as ingested
            from provider_batch_items i where i.submission_id = ${submissionId} and i.attempt_id > ${after}::uuid
            order by i.attempt_id limit ${pageSize}`,
        );
        if (page.length === 0) return;
        after = page.at(-1)!.attempt_id;
        yield page.map((stored) => ({ item: stored.item, ingested: stored.ingested }));
      }
    },
    /** Whether a custom_id is one of this submission's items (a result Redis no longer knows may still be ours). */
    async hasItem(submissionId: string, attemptId: string): Promise<boolean> {
      const rows = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from provider_batch_items
          where submission_id = ${submissionId} and attempt_id::text = ${attemptId}`,
      );
      return (rows[0]?.n ?? 0) > 0;
    },
    /** Provider batch ids our rows name, of batches created since `since`: reconciliation never takes them for another submission's. */
    async knownProviderBatchIds(provider: ProviderName, since: Date): Promise<Set<string>> {
      const rows = await queryRows<{ provider_batch_id: string }>(
        db,
        sql`select provider_batch_id from provider_batches where provider = ${provider} and provider_batch_id is not null
          and created_at >= ${since.toISOString()}::timestamptz - interval '1 day'`,
      );
      return new Set(rows.map((row) => row.provider_batch_id));
    },
    /** A duplicate provider batch of `of` (cancelled by the caller), polled and accounted like a submission. Idempotent per provider batch. */
    async insertDuplicate(of: ProviderBatchRow, id: string, providerBatchId: string, now: Date): Promise<boolean> {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`insert into provider_batches (id, provider, model, tier, state, provider_batch_id, items, batch_items, cancel_at,
            created_at, submitted_at, duplicate_of)
          values (${id}, ${of.provider}, ${of.model}, ${of.tier}, 'submitted', ${providerBatchId}, ${of.items},
            ${JSON.stringify(of.batchItems)}::jsonb, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz,
            ${of.createdAt.toISOString()}::timestamptz, ${of.id})
          on conflict (provider, provider_batch_id) do nothing returning id`,
      );
      return rows.length > 0;
    },
    /** Stored items by custom_id, whichever submission holds them (a duplicate's results are accounted against them). */
    async itemsByIds(attemptIds: readonly string[]): Promise<Map<string, LaneItem>> {
      const ids = attemptIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
      if (ids.length === 0) return new Map();
      const rows = await queryRows<{ attempt_id: string; item: LaneItem }>(
        db,
        sql`select attempt_id::text, item from provider_batch_items
          where attempt_id in (${sql.join(
            ids.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`,
      );
      return new Map(rows.map((row) => [row.attempt_id, row.item]));
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
    async markCancelRequestedByProviderId(provider: ProviderName, providerBatchId: string): Promise<void> {
      await db.execute(sql`update provider_batches set cancel_requested_at = coalesce(cancel_requested_at, now())
        where provider = ${provider} and provider_batch_id = ${providerBatchId}`);
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
