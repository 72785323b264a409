import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import { lockDirectory } from "./directory-lock.js";
import { schema } from "./schema.js";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** Where it lives, for log lines (never includes a password). */
  describe: string;
  migrate(): Promise<void>;
  /**
   * The rows of a query in pages of `pageSize` through a server-side cursor: memory stays one page,
   * however many rows match. Stopping early (break, throw) closes the cursor.
   */
  stream<T>(query: SQL, pageSize: number): AsyncGenerator<T[]>;
  /** True when a trivial query answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../../migrations", import.meta.url));

/** Serialises concurrent `migrate` runs (several pods starting at once) on one Postgres. */
const MIGRATION_LOCK_ID = 7_349_112;

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

export async function openPostgres(url: string, options: { poolSize?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client that loses its server emits 'error'; without a listener that would crash the worker.
  pool.on("error", () => {});
  // A checked-out client has no pool listener: a socket reset then (Postgres cut mid-transaction)
  // emitted an unhandled 'error' and killed the worker. Its queries are rejected anyway (persist
  // retries them); the client is discarded when released with the error.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = drizzleNodePg(pool, { schema }) as unknown as Db;
  let closed: Promise<void> | undefined;
  return {
    db,
    kind: "postgres",
    describe: redactUrl(url),
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
        try {
          await migrateNodePg(drizzleNodePg(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]);
        }
      } finally {
        client.release();
      }
    },
    async *stream<T>(query: SQL, pageSize: number) {
      const { sql: text, params } = dialect.sqlToQuery(query);
      const cursor = cursorName();
      // A cursor lives in a transaction on one connection: this client is the stream's alone.
      const client = await pool.connect();
      let state: "open" | "committed" | "broken" = "open";
      try {
        await client.query("begin read only");
        await client.query(`declare ${cursor} no scroll cursor for ${text}`, params);
        for (;;) {
          const page = await client.query(`fetch forward ${pageSize} from ${cursor}`);
          if (page.rows.length === 0) break;
          yield page.rows as T[];
          if (page.rows.length < pageSize) break;
        }
        await client.query("commit");
        state = "committed";
      } catch (error) {
        state = "broken";
        throw error;
      } finally {
        // An early stop (break) leaves the transaction open: end it before the client goes back to the pool.
        if (state === "open") await client.query("rollback").catch(() => (state = "broken"));
        client.release(state === "broken");
      }
    },
    ping: () => pingDb(db),
    close: () => (closed ??= pool.end()),
  };
}

/**
 * Embedded Postgres (WASM) for a one-process demo: no server to install. One process at a time:
 * a second one is refused (DatabaseLockedError) before it touches the files.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  await mkdir(dataDir, { recursive: true });
  const lock = lockDirectory(dataDir);
  let client: PGlite;
  try {
    client = new PGlite(dataDir);
    await client.waitReady;
  } catch (error) {
    lock.release();
    throw error;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  let closed: Promise<void> | undefined;
  return {
    db,
    kind: "pglite",
    describe: `pglite:${dataDir}`,
    migrate: () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER }),
    async *stream<T>(query: SQL, pageSize: number) {
      const { sql: text, params } = dialect.sqlToQuery(query);
      const cursor = cursorName();
      // PGlite has one connection shared by the whole process: a cursor WITH HOLD needs no open
      // transaction (other queries run between pages); it holds its rows in PGlite's memory, which
      // is fine at the single-process scale PGlite is for.
      await client.query(`declare ${cursor} no scroll cursor with hold for ${text}`, params);
      try {
        for (;;) {
          const page = await client.query<T>(`fetch forward ${pageSize} from ${cursor}`);
          if (page.rows.length === 0) break;
          yield page.rows;
          if (page.rows.length < pageSize) break;
        }
      } finally {
        await client.query(`close ${cursor}`).catch(() => {});
      }
    },
    ping: () => pingDb(db),
    close: () => (closed ??= client.close().finally(() => lock.release())),
  };
}

const dialect = new PgDialect();
const cursorName = () => `results_${randomUUID().replace(/-/g, "")}`;

export function openDatabase(env: { DATABASE_URL?: string; PGLITE_DIR: string }): Promise<Database> {
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : openPglite(env.PGLITE_DIR);
}

async function pingDb(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}

/** Rows of a raw query, the same way for node-postgres and PGlite. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
