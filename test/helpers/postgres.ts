import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgres, type Database } from "../../src/ledger/db/database.js";

/** The server tests create their databases on. CI and the dev machine run one on 127.0.0.1:5432 (trust auth). */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  url: string;
  database: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database per test file: tests never see each other's rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `llm_router_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), { poolSize: 5 });
  await database.migrate();
  return {
    url: url.toString(),
    database,
    async drop() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
