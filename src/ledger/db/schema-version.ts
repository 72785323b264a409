import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { MIGRATIONS_FOLDER, queryRows, type Db } from "./database.js";

/** The newest migration this build ships (drizzle-kit's journal), by its timestamp. */
export async function latestShippedMigration(folder = MIGRATIONS_FOLDER): Promise<{ tag: string; when: number }> {
  const journal = JSON.parse(await readFile(join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: { tag: string; when: number }[];
  };
  const latest = journal.entries.at(-1);
  if (!latest) throw new Error(`no migrations in ${folder}`);
  return latest;
}

/**
 * True when the database has every migration this build ships. Workers report not-ready until then,
 * so a rollout never runs new code on an old schema (the migration Job goes first).
 */
export async function schemaIsCurrent(db: Db, shipped: { when: number }): Promise<boolean> {
  try {
    const rows = await queryRows<{ newest: string | null }>(
      db,
      sql`select max(created_at)::text as newest from drizzle.__drizzle_migrations`,
    );
    return rows[0]?.newest !== null && rows[0] !== undefined && Number(rows[0].newest) >= shipped.when;
  } catch {
    // No migrations table yet: never migrated.
    return false;
  }
}
