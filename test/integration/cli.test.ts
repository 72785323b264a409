import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, queryRows, type Database } from "../../src/ledger/db/database.js";
import { runCli, startCli, type LongRunningCli } from "../helpers/cli-process.js";
import { mixedJobs } from "../helpers/jobs.js";
import { ADMIN_DATABASE_URL } from "../helpers/postgres.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../helpers/redis.js";
import pg from "pg";

/** The separate-process path a user takes: migrate, fake-llm, worker, enqueue, batch --wait, report. */
describe("the llm-router CLI, one process per command", () => {
  const prefix = uniquePrefix();
  const dbName = `llm_router_cli_${prefix.replace(/-/g, "_")}`;
  const dbUrl = Object.assign(new URL(ADMIN_DATABASE_URL), { pathname: `/${dbName}` }).toString();
  let fake: LongRunningCli;
  let worker: LongRunningCli;
  let env: NodeJS.ProcessEnv;
  let database: Database;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    env = {
      DATABASE_URL: dbUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: "warn",
      PORT: "0",
      OPENAI_API_KEY: "",
      ANTHROPIC_API_KEY: "",
    };
    const scenarioDir = await mkdtemp(join(tmpdir(), "llm-router-cli-"));
    const scenario = join(scenarioDir, "scenario.json");
    await writeFile(
      scenario,
      JSON.stringify({
        seed: 9,
        models: { "*": { latencyMs: 2 }, "gpt-5-mini": { errors: { "529": 0.3, "429": 0.1 }, invalidRate: 0.1 } },
      }),
    );
    fake = startCli(["fake-llm", "--port", "0", "--scenario", scenario], env);
    const url = (await fake.waitForOutput(/listening on (http:\/\/[\d.:]+)/))[1]!;
    env = { ...env, OPENAI_BASE_URL: `${url}/v1`, ANTHROPIC_BASE_URL: url };
    database = await openPostgres(dbUrl, { poolSize: 2 });
  });

  afterAll(async () => {
    await worker?.stop();
    await fake?.stop();
    await database?.close();
    const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    await deletePrefix(prefix);
  });

  it("migrates, runs a batch with a bad line to the end, and reports it", async () => {
    const migrate = await runCli(["migrate"], env);
    expect(migrate.stderr).toBe("");
    expect(migrate.code).toBe(0);
    // Migrating again is a no-op, not an error.
    expect((await runCli(["migrate"], env)).code).toBe(0);

    worker = startCli(["worker"], env);
    await worker.waitForOutput(/worker running stages intake, cheap, balanced, premium/);

    const dir = await mkdtemp(join(tmpdir(), "llm-router-jobs-"));
    const file = join(dir, "jobs.jsonl");
    const lines = mixedJobs(40, "cli").map((job) => JSON.stringify(job));
    lines.splice(5, 0, "{ this is not json");
    await writeFile(file, `${lines.join("\n")}\n`);

    const enqueue = await runCli(["enqueue", file, "--batch", "cli-batch"], env);
    expect(enqueue.code).toBe(3); // some lines rejected
    expect(enqueue.stderr).toMatch(/jobs\.jsonl:6: rejected: not valid JSON/);
    expect(enqueue.stderr).toMatch(/queued 40, duplicates skipped 0, rejected 1/);
    const batchId = enqueue.stdout.trim();
    expect(batchId).toMatch(/^batch-/);

    const waited = await runCli(["batch", batchId, "--wait", "--json"], env, 90_000);
    expect(waited.code).toBe(0);
    const status = JSON.parse(waited.stdout);
    expect(status).toMatchObject({ jobs: 40, queued: 0, rejectedAtEnqueue: 1, done: true });
    expect(status.succeeded + status.failed).toBe(40);

    const report = await runCli(["report", "--by", "tier,model", "--batch", batchId, "--format", "json"], env);
    expect(report.code).toBe(0);
    const parsed = JSON.parse(report.stdout);
    const [truth] = await queryRows<{ cost: string; calls: string }>(
      database.db,
      sql`select sum(a.cost_usd)::text as cost, count(*)::text as calls
          from attempts a join requests r on r.id = a.request_id where r.batch_id = ${batchId}`,
    );
    const calls = parsed.rows.reduce((sum: number, row: { calls: number }) => sum + row.calls, 0);
    expect(calls).toBe(Number(truth!.calls));
    expect(parsed.summary.costUsd).toBe(truth!.cost.replace(/0+$/, "").replace(/\.$/, ""));
    expect(parsed.summary.requests).toBe(40);

    const table = await runCli(["report", "--by", "tier", "--batch", batchId], env);
    expect(table.stdout).toMatch(/saved \$/);
    const badDimension = await runCli(["report", "--by", "colour"], env);
    expect(badDimension.code).toBe(2); // a usage error
    expect(badDimension.stderr).toMatch(/unknown --by dimension colour/);

    // SIGTERM drains and exits cleanly.
    expect(await worker.stop()).toBe(0);
    // Nine processes, each starting Node and tsx, plus the batch itself (its own --wait has 90 s):
    // the file's 60 s default was reached on a loaded 2-core machine with nothing wrong.
  }, 180_000);
});
