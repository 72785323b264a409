import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { openPostgres, type Database } from "../../src/ledger/db/database.js";

/** The server tests create their databases on. CI and the dev machine run one on 127.0.0.1:5432 (trust auth). */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  url: string;
  database: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

const urlOf = (name: string) => Object.assign(new URL(ADMIN_DATABASE_URL), { pathname: `/${name}` }).toString();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const dropDatabase = (name: string) => admin(`drop database if exists ${name} with (force)`);

/**
 * A database migrated to the latest schema, with no connection left open: Postgres clones a
 * template only while nobody is connected to it. Made once per run by global-setup.ts.
 */
export async function createTemplateDatabase(): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `llm_router_tmpl_${randomBytes(6).toString("hex")}`;
  await admin(`create database ${name}`);
  try {
    const database = await openPostgres(urlOf(name), { poolSize: 1 });
    try {
      await database.migrate();
    } finally {
      await database.close();
    }
  } catch (error) {
    await dropDatabase(name);
    throw error;
  }
  return { name, drop: () => dropDatabase(name) };
}

/**
 * A fresh, migrated database per test file: tests never see each other's rows. Cloned from the
 * run's template (global-setup.ts); when a file runs without that setup, migrated in place.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `llm_router_test_${randomBytes(6).toString("hex")}`;
  const template = inject("templateDatabase");
  await admin(template ? `create database ${name} template ${template}` : `create database ${name}`);
  const url = urlOf(name);
  const database = await openPostgres(url, { poolSize: 5 });
  if (!template) await database.migrate();
  return {
    url,
    database,
    async drop() {
      await database.close();
      await dropDatabase(name);
    },
  };
}
