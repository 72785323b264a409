import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPglite, type Database } from "../../../src/ledger/db/database.js";
import { createTestDatabase } from "../postgres.js";

export interface ReportTestDatabase {
  kind: "postgres" | "pglite";
  database: Database;
  /** Set for Postgres: what a CLI process connects to. */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of either kind: Postgres (own database) or PGlite (own directory). */
export async function openReportTestDatabase(kind: "postgres" | "pglite"): Promise<ReportTestDatabase> {
  if (kind === "postgres") {
    const testDb = await createTestDatabase();
    return { kind, database: testDb.database, url: testDb.url, drop: () => testDb.drop() };
  }
  const dir = await mkdtemp(join(tmpdir(), "llm-router-pglite-"));
  const database = await openPglite(join(dir, "pgdata"));
  await database.migrate();
  return {
    kind,
    database,
    async drop() {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
