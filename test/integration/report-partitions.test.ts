import { randomUUID } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { maintainPartitions } from "../../src/cli/commands/maintain.js";
import { MIGRATIONS_FOLDER, queryRows, type Db } from "../../src/ledger/db/database.js";
import { createLedgerWriter } from "../../src/ledger/ledger-writer.js";
import type { AttemptRecord } from "../../src/ledger/records.js";
import { ZERO_USAGE } from "../../src/pricing/usage.js";
import { buildReport } from "../../src/report/query/report-query.js";
import { ADMIN_DATABASE_URL } from "../helpers/postgres.js";
import { openReportTestDatabase } from "../helpers/report/databases.js";
import { finishRequests, insertAttempts, insertRequests } from "../helpers/report/ledger-fixtures.js";
import {
  naiveAttemptBatchDaily,
  naiveAttemptDaily,
  naiveRequestDaily,
  rollupAttemptBatchDaily,
  rollupAttemptDaily,
  rollupRequestDaily,
} from "../helpers/report/naive-queries.js";

/** The first day of the UTC month `offset` months from this one, as YYYY-MM-DD. */
function monthStart(offset: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
}
const partitionName = (offset: number) => `attempts_${monthStart(offset).slice(0, 7).replace("-", "_")}`;

/** A migrations folder holding only the first migration: a database as the previous release left it. */
async function firstMigrationOnly(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "llm-router-migrations-"));
  await cp(join(MIGRATIONS_FOLDER, "0000_init.sql"), join(dir, "0000_init.sql"));
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
  await cp(join(MIGRATIONS_FOLDER, "meta"), join(dir, "meta"), { recursive: true });
  await writeFile(join(dir, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
  return dir;
}

/** Rows written by the previous release: three months, a finished and a queued request. */
async function seedOldLedger(db: Db) {
  await insertRequests(db, [
    { id: "old-1", batchId: "old", feature: "triage", createdAt: `${monthStart(-2)}T10:00:00Z` },
    { id: "old-2", batchId: "old", feature: null, createdAt: `${monthStart(-1)}T10:00:00Z` },
    { id: "old-3", batchId: "old", feature: "triage", createdAt: `${monthStart(0)}T10:00:00Z` },
  ]);
  const base = { tier: "cheap", provider: "openai", model: "gpt-5-mini", latencyMs: 250, inputTokens: 100, outputTokens: 10 } as const;
  await insertAttempts(db, [
    { ...base, requestId: "old-1", attemptNo: 1, outcome: "invalid", costUsd: "0.000000000123", startedAt: `${monthStart(-2)}T10:00:01Z` },
    {
      ...base,
      requestId: "old-1",
      attemptNo: 2,
      outcome: "ok",
      provider: "anthropic",
      model: "claude-haiku-4-5",
      costUsd: "0.5",
      startedAt: `${monthStart(-2)}T10:00:02Z`,
    },
    { ...base, requestId: "old-2", attemptNo: 1, outcome: "ok", costUsd: "0.25", startedAt: `${monthStart(-1)}T10:00:01Z` },
  ]);
  await finishRequests(db, [
    {
      id: "old-1",
      status: "succeeded",
      initialTier: "cheap",
      finalTier: "cheap",
      finalProvider: "anthropic",
      finalModel: "claude-haiku-4-5",
      escalations: 0,
      attemptCount: 2,
      costUsd: "0.500000000123",
      baselineCostUsd: "2",
    },
    {
      id: "old-2",
      status: "succeeded",
      initialTier: "cheap",
      finalTier: "cheap",
      finalProvider: "openai",
      finalModel: "gpt-5-mini",
      escalations: 0,
      attemptCount: 1,
      costUsd: "0.25",
      baselineCostUsd: "1",
    },
  ]);
}

const attemptsFingerprint = (db: Db) =>
  queryRows<Record<string, string>>(
    db,
    sql`select count(*)::text as rows, sum(cost_usd)::text as cost, string_agg(id::text || request_id || started_at::text, ',' order by id) as ids from attempts`,
  );

async function expectMigratedLedger(db: Db, before: Record<string, string>[]) {
  expect(await attemptsFingerprint(db)).toEqual(before);
  const partitions = await queryRows<{ name: string }>(
    db,
    sql`select c.relname::text as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'attempts'::regclass order by 1`,
  );
  expect(partitions.map((row) => row.name)).toEqual(
    expect.arrayContaining([partitionName(-2), partitionName(-1), partitionName(0), partitionName(3), "attempts_default"]),
  );
  expect(await rollupAttemptDaily(db)).toEqual(await naiveAttemptDaily(db));
  expect(await rollupAttemptBatchDaily(db)).toEqual(await naiveAttemptBatchDaily(db));
  expect(await rollupRequestDaily(db)).toEqual(await naiveRequestDaily(db));
  const report = await buildReport(db, ["model"]);
  expect(report.summary).toMatchObject({ requests: 3, succeeded: 2, queued: 1, costUsd: "0.750000000123" });
  expect(report.rows.map((row) => [row.group.model, row.requests, row.costUsd])).toEqual([
    ["claude-haiku-4-5", 1, "0.5"],
    ["gpt-5-mini", 2, "0.250000000123"],
  ]);
}

describe("migrating a ledger the previous release wrote", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("keeps every attempts row, partitions them by month and builds the rollups (Postgres)", async () => {
    const name = `llm_router_test_upgrade_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const pool = new pg.Pool({ connectionString: Object.assign(new URL(ADMIN_DATABASE_URL), { pathname: `/${name}` }).toString(), max: 2 });
    cleanups.push(async () => {
      await pool.end();
      const drop = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    });
    const db = drizzleNodePg(pool) as unknown as Db;
    const oldMigrations = await firstMigrationOnly();
    cleanups.push(() => rm(oldMigrations, { recursive: true, force: true }));
    await migrateNodePg(drizzleNodePg(pool), { migrationsFolder: oldMigrations });
    await seedOldLedger(db);
    const before = await attemptsFingerprint(db);
    await migrateNodePg(drizzleNodePg(pool), { migrationsFolder: MIGRATIONS_FOLDER });
    await expectMigratedLedger(db, before);
  });

  it("does the same on PGlite", async () => {
    const dir = await mkdtemp(join(tmpdir(), "llm-router-pglite-upgrade-"));
    const client = new PGlite(join(dir, "pgdata"));
    cleanups.push(async () => {
      await client.close();
      await rm(dir, { recursive: true, force: true });
    });
    const db = drizzlePglite(client) as unknown as Db;
    const oldMigrations = await firstMigrationOnly();
    cleanups.push(() => rm(oldMigrations, { recursive: true, force: true }));
    await migratePglite(drizzlePglite(client), { migrationsFolder: oldMigrations });
    await seedOldLedger(db);
    const before = await attemptsFingerprint(db);
    await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
    await expectMigratedLedger(db, before);
  });
});

describe.each(["postgres", "pglite"] as const)("partition upkeep (%s)", (kind) => {
  it("creates months ahead, moves strays out of the default partition and drops old months whole, keeping the rollups", async () => {
    const target = await openReportTestDatabase(kind);
    try {
      const db = target.database.db;
      await insertRequests(db, [
        { id: "p-old", batchId: "p", feature: "f", createdAt: `${monthStart(-4)}T08:00:00Z` },
        { id: "p-now", batchId: "p", feature: "f", createdAt: `${monthStart(0)}T08:00:00Z` },
        { id: "p-far", batchId: "p", feature: "f", createdAt: `${monthStart(7)}T08:00:00Z` },
      ]);
      const call = { tier: "cheap", provider: "openai", model: "gpt-5-mini", outcome: "ok", latencyMs: 10, attemptNo: 1 } as const;
      await insertAttempts(db, [
        { ...call, requestId: "p-old", costUsd: "1", startedAt: `${monthStart(-4)}T08:00:01Z` },
        { ...call, requestId: "p-now", costUsd: "2", startedAt: `${monthStart(0)}T08:00:01Z` },
        { ...call, requestId: "p-far", costUsd: "4", startedAt: `${monthStart(7)}T08:00:01Z` },
      ]);
      const inDefault = async () => (await queryRows<{ n: string }>(db, sql`select count(*)::text as n from attempts_default`))[0]!.n;
      // The fresh database has partitions for this month and the next three only.
      expect(await inDefault()).toBe("2");

      const plan = await maintainPartitions(db, { monthsAhead: 5, keepMonths: 2, dryRun: true });
      expect(plan).toEqual([
        { action: "move", partition: partitionName(-4), rangeStart: monthStart(-4), rangeEnd: monthStart(-3), rows: 1 },
        { action: "move", partition: partitionName(7), rangeStart: monthStart(7), rangeEnd: monthStart(8), rows: 1 },
        { action: "create", partition: partitionName(4), rangeStart: monthStart(4), rangeEnd: monthStart(5), rows: 0 },
        { action: "create", partition: partitionName(5), rangeStart: monthStart(5), rangeEnd: monthStart(6), rows: 0 },
      ]);
      expect(await inDefault()).toBe("2"); // a dry run changes nothing

      const done = await maintainPartitions(db, { monthsAhead: 5, keepMonths: 2 });
      expect(done).toEqual([
        ...plan,
        // Moved out of the default in the first step, the oldest month is then old enough to drop.
        { action: "drop", partition: partitionName(-4), rangeStart: monthStart(-4), rangeEnd: monthStart(-3), rows: 1 },
      ]);
      expect(await inDefault()).toBe("0");
      expect(await maintainPartitions(db, { monthsAhead: 5, keepMonths: 2 })).toEqual([]); // idempotent

      const [left] = await queryRows<{ rows: string; cost: string }>(
        db,
        sql`select count(*)::text as rows, sum(cost_usd)::text as cost from attempts`,
      );
      expect(left).toEqual({ rows: "2", cost: "6.000000000000" });
      // The rollups keep history past retention: reports still show the dropped month.
      const report = await buildReport(db, ["batch"]);
      expect(report.rows.map((row) => [row.group.batch, row.calls, row.costUsd])).toEqual([["p", 3, "7"]]);

      // A retried write of a call in a moved partition still conflicts and inserts nothing.
      const ledger = createLedgerWriter(db);
      const record: AttemptRecord = {
        id: randomUUID(),
        requestId: "p-far",
        attemptNo: 2,
        tier: "cheap",
        provider: "openai",
        model: "gpt-5-mini",
        outcome: "ok",
        latencyMs: 5,
        usage: { ...ZERO_USAGE, inputTokens: 10 },
        cost: 1_000_000_000_000n,
        startedAt: new Date(`${monthStart(7)}T09:00:00Z`),
        finishedAt: new Date(`${monthStart(7)}T09:00:01Z`),
      };
      await ledger.write([record]);
      await ledger.write([record]);
      await ledger.close();
      const [far] = await queryRows<{ rows: string; calls: string }>(
        db,
        sql`select (select count(*) from ${sql.identifier(partitionName(7))})::text as rows,
              (select sum(calls) from attempt_rollup_daily)::text as calls`,
      );
      expect(far).toEqual({ rows: "2", calls: "4" });
    } finally {
      await target.drop();
    }
  });
});
