import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../src/ledger/db/database.js";
import { describeDbError } from "../../src/ledger/db/describe-db-error.js";
import { runCli } from "../helpers/cli-process.js";
import { ADMIN_DATABASE_URL, createTestDatabase, type TestDatabase } from "../helpers/postgres.js";

/** Issue 16 item 4: a failed query printed its SQL and parameters, never why it failed. */
function urlWith(change: (url: URL) => void): string {
  const url = new URL(ADMIN_DATABASE_URL);
  change(url);
  return url.toString();
}

/** The error a real query throws against `url` (drizzle over node-postgres, as the CLI runs it). */
async function failureOf(url: string, query = sql`select id from batches where id = ${"batch-secret-param"}`): Promise<unknown> {
  const database = await openPostgres(url, { poolSize: 1 });
  try {
    await database.db.execute(query);
  } catch (error) {
    return error;
  } finally {
    await database.close();
  }
  throw new Error("the query succeeded");
}

describe("describeDbError on real Postgres failures", { timeout: 60_000 }, () => {
  let testDb: TestDatabase;
  const role = `llm_router_noaccess_${randomBytes(4).toString("hex")}`;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    const admin = new pg.Client({ connectionString: testDb.url });
    await admin.connect();
    await admin.query(`create role ${role} login`);
    await admin.end();
  });
  afterAll(async () => {
    await testDb?.drop();
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`drop role if exists ${role}`);
    await admin.end();
  });

  it("names a database that does not exist, without the SQL", async () => {
    const text = describeDbError(await failureOf(urlWith((url) => (url.pathname = "/llm_router_no_such_db"))));
    expect(text).toMatch(/^database error: database does not exist \(database "llm_router_no_such_db" does not exist\)/);
    expect(text).not.toMatch(/select|batch-secret-param/);
    expect(text).toContain("LOG_LEVEL=debug");
  });

  it("says connection refused and where", async () => {
    const text = describeDbError(await failureOf("postgres://postgres@127.0.0.1:1/postgres"));
    expect(text).toMatch(/^database error: connection refused at 127\.0\.0\.1:1/);
  });

  it("says authentication failed for an unknown role", async () => {
    const text = describeDbError(await failureOf(urlWith((url) => (url.username = "llm_router_no_such_role"))));
    expect(text).toMatch(/^database error: authentication failed \(role "llm_router_no_such_role" does not exist\)/);
  });

  it("says permission denied", async () => {
    const text = describeDbError(await failureOf(urlWith((url) => ((url.username = role), (url.pathname = new URL(testDb.url).pathname)))));
    expect(text).toMatch(/^database error: permission denied \(permission denied for table batches/);
  });

  it("shows the statement and its parameters only at debug level", async () => {
    const error = await failureOf(urlWith((url) => (url.pathname = "/llm_router_no_such_db")));
    const text = describeDbError(error, { debug: true })!;
    expect(text.split("\n")[0]).toMatch(/^database error: database does not exist/);
    expect(text).toContain("statement: select id from batches where id = $1");
    expect(text).toContain('parameters: ["batch-secret-param"]');
  });

  it("leaves errors that are not the database's alone", () => {
    expect(describeDbError(new Error("boom"))).toBeUndefined();
    expect(describeDbError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" }))).toBeUndefined();
  });

  it("the CLI prints the cause first", async () => {
    const result = await runCli(["batch", "b1"], {
      DATABASE_URL: urlWith((url) => (url.pathname = "/llm_router_no_such_db")),
      LOG_LEVEL: "",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: database error: database does not exist/);
    expect(result.stderr).not.toContain("Failed query");
  });
});
