import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { Db } from "./database.js";

/** A table or column name as COPY's statement text takes it (names are ours, never user input). */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * A way to bulk-load rows already in COPY text format (copy-text.ts) into a table, or undefined for a
 * database that has none (PGlite: one in-process connection, no COPY FROM STDIN); the caller then
 * writes the same rows its other way. One COPY is one statement: all of its rows go in, or (a
 * constraint, a bad value) none do.
 */
export type CopyRows = (table: string, columns: readonly string[], rows: string) => Promise<number>;

export function copyRowsOf(db: Db): CopyRows | undefined {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (!(client instanceof pg.Pool)) return undefined;
  const pool = client;
  return async (table, columns, rows) => {
    for (const name of [table, ...columns]) if (!IDENTIFIER.test(name)) throw new Error(`not a plain identifier: ${name}`);
    const connection = await pool.connect();
    let broken = false;
    try {
      const stream = connection.query(copyFrom(`copy ${table} (${columns.join(", ")}) from stdin`));
      await pipeline(Readable.from([Buffer.from(rows, "utf8")]), stream);
      return stream.rowCount;
    } catch (error) {
      // A COPY that failed half-way through its stream leaves the connection in an unknown state: not reused.
      broken = !(error instanceof pg.DatabaseError);
      throw error;
    } finally {
      connection.release(broken);
    }
  };
}
