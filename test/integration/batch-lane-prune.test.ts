import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneSubmissionItems } from "../../src/batch-lane/prune-items.js";
import { queryRows, type Db } from "../../src/ledger/db/database.js";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.js";

/** `maintain` prunes the stored items of long-ended submissions, and only those nothing reads again. */
describe("batch lane: pruning stored submission items", () => {
  let testDb: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = testDb.database.db;
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  async function submission(id: string, state: string, endedDaysAgo: number | null, duplicateOf: string | null = null, items = 3) {
    await db.execute(
      sql`insert into provider_batches (id, provider, model, tier, state, provider_batch_id, items, cancel_at, duplicate_of, ended_at)
          values (${id}, 'openai', 'gpt-5-mini', 'cheap', ${state}, ${`pb-${id}`}, ${items}, now() + interval '1 day', ${duplicateOf},
                  ${endedDaysAgo === null ? null : sql`now() - make_interval(days => ${endedDaysAgo}::int)`})`,
    );
    // A duplicate's items are its original's: it has no rows of its own.
    if (duplicateOf !== null) return;
    for (let index = 0; index < items; index++) {
      await db.execute(
        sql`insert into provider_batch_items (attempt_id, submission_id, request_id, item)
            values (${randomUUID()}, ${id}, ${`${id}-req-${index}`}, ${JSON.stringify({ index })}::jsonb)`,
      );
    }
  }
  const itemsOf = async () =>
    Object.fromEntries(
      (
        await queryRows<{ submission_id: string; n: number }>(
          db,
          sql`select submission_id, count(*)::int as n from provider_batch_items group by 1 order by 1`,
        )
      ).map((row) => [row.submission_id, row.n]),
    );

  it("deletes the items of submissions ended over N days ago with no open duplicate; dry run only counts", async () => {
    await submission("old", "ended", 40);
    await submission("recent", "ended", 10);
    await submission("open", "submitted", null);
    await submission("old-with-open-dup", "ended", 40);
    await submission("dup-open", "submitted", null, "old-with-open-dup");
    await submission("old-with-ended-dup", "ended", 45);
    await submission("dup-ended", "ended", 44, "old-with-ended-dup");
    const before = await itemsOf();

    expect(await pruneSubmissionItems(db, { keepDays: 30, dryRun: true })).toBe(6);
    expect(await itemsOf()).toEqual(before);

    expect(await pruneSubmissionItems(db, { keepDays: 30 })).toBe(6);
    expect(await itemsOf()).toEqual({ open: 3, "old-with-open-dup": 3, recent: 3 });
    expect(await pruneSubmissionItems(db, { keepDays: 30 })).toBe(0); // idempotent

    // Once its duplicate has ended, nothing reads the original's items again.
    await db.execute(sql`update provider_batches set state = 'ended', ended_at = now() - interval '31 days' where id = 'dup-open'`);
    expect(await pruneSubmissionItems(db, { keepDays: 30 })).toBe(3);
    expect(await pruneSubmissionItems(db, { keepDays: 5 })).toBe(3); // "recent", with a shorter keep
    expect(await itemsOf()).toEqual({ open: 3 });
  });
});
