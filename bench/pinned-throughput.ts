import { randomBytes } from "node:crypto";
import pg from "pg";
import { sql } from "drizzle-orm";
import { parseEnv } from "../src/config/env.js";
import { parseRouterConfig } from "../src/config/load-config.js";
import { startFakeLlm } from "../src/fake-llm/index.js";
import { openPostgres, queryRows } from "../src/ledger/db/database.js";
import { createProducer } from "../src/produce/producer.js";
import { createRuntime } from "../src/runtime/runtime.js";
import { startWorker } from "../src/runtime/start-worker.js";
import { BENCH_ADMIN_URL, BENCH_REDIS_URL, deleteRedisPrefix, sleep } from "./bench-env.js";
import { loadExampleJobs } from "./bench-jobs.js";

/**
 * Issue 16 item 17: jobs pinned to one model in a tier of C = 8 at L = 200 ms (ceiling C / L = 40 jobs/s),
 * under three fault mixes. One worker in this process; real Redis and Postgres; the fake provider over HTTP.
 *   npx tsx bench/pinned-throughput.ts [jobs=300] [scenario=all|none|mixed|5xx]
 * Env: BENCH_REDIS_URL (use a db index of your own, e.g. redis://127.0.0.1:6379/7), BENCH_DATABASE_URL (admin).
 */
const MODEL = "claude-haiku-4-5";
const SCENARIOS: Record<string, Record<string, number>> = {
  none: {},
  mixed: { "529": 0.05, "429": 0.05, "500": 0.02 },
  "5xx": { "529": 0.05, "500": 0.02 },
};

export interface PinnedResult {
  scenario: string;
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
  succeeded: number;
  failed: number;
  calls: number;
  byOutcome: Record<string, number>;
  failures: Record<string, number>;
  costUsd: string;
}

export interface ScenarioOptions {
  /** Pin every job to claude-haiku-4-5 (item 17), or let the tier choose (item 16). Default true. */
  pinned?: boolean;
  /** Which model the faults hit. Default claude-haiku-4-5. */
  faultyModel?: string;
  errors?: Record<string, number>;
  /** fallback.maxCostRatioWhileCooling. Default: the config's default. */
  fallbackRatio?: number;
}

export async function pinnedThroughput(
  scenario: string,
  jobs: number,
  options: ScenarioOptions = {},
  label = "h16_measure",
): Promise<PinnedResult> {
  const pinnedJobs = options.pinned ?? true;
  const faulty = options.faultyModel ?? MODEL;
  const name = `${label}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = Object.assign(new URL(BENCH_ADMIN_URL), { pathname: `/${name}` }).toString();
  const prefix = `h16-pinned-${randomBytes(3).toString("hex")}`;
  const fake = await startFakeLlm({
    port: 0,
    scenario: {
      seed: 1,
      models: { "*": { latencyMs: 200 }, [faulty]: { latencyMs: 200, errors: options.errors ?? SCENARIOS[scenario]! } },
    },
  });
  const config = parseRouterConfig({
    tiers: [
      {
        name: "cheap",
        concurrency: 8,
        models: [
          { provider: "openai", model: "gpt-5-mini" },
          { provider: "anthropic", model: MODEL },
        ],
      },
      { name: "premium", concurrency: 2, models: [{ provider: "anthropic", model: "claude-opus-4-7" }] },
    ],
    ...(options.fallbackRatio !== undefined ? { fallback: { maxCostRatioWhileCooling: options.fallbackRatio } } : {}),
  });
  const env = { ...parseEnv({}), DATABASE_URL: url, REDIS_URL: BENCH_REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: "silent" as const };
  const runtime = createRuntime(env, { config, redisWaitMs: "forever" });
  const ledger = await openPostgres(url, { poolSize: 2 });
  await ledger.migrate();
  await startWorker(runtime, { fakeProviderUrl: fake.url });
  const producer = createProducer({ db: ledger.db, config });
  const classify = loadExampleJobs().filter((job) => job.kind === "classify");
  const pinned = Array.from({ length: jobs }, (_, index) => ({
    ...classify[index % classify.length]!,
    ...(pinnedJobs ? { model: MODEL } : { tier: "cheap" }),
    id: `pin-${index}`,
  }));
  const report = await producer.enqueueJobs(pinned, { batchName: "pinned" });
  if (report.accepted !== jobs) throw new Error(`only ${report.accepted} of ${jobs} accepted: ${JSON.stringify(report.rejected[0])}`);
  let firstCallAt: number | undefined;
  let done = 0;
  while (done < jobs) {
    await sleep(20);
    if (firstCallAt === undefined && fake.stats().totalCalls > 0) firstCallAt = performance.now();
    done = Number(
      (await queryRows<{ n: string }>(ledger.db, sql`select count(*)::text as n from requests where status <> 'queued'`))[0]!.n,
    );
  }
  const seconds = (performance.now() - (firstCallAt ?? performance.now())) / 1000;
  const statuses = await queryRows<{ status: string; n: string }>(
    ledger.db,
    sql`select status, count(*)::text as n from requests group by 1`,
  );
  const outcomes = await queryRows<{ k: string; n: string }>(
    ledger.db,
    sql`select model || ':' || outcome || coalesce(':' || error_type, '') as k, count(*)::text as n from attempts group by 1 order by 1`,
  );
  const failures = await queryRows<{ why: string; n: string }>(
    ledger.db,
    sql`select left(regexp_replace(error, '[0-9]+', 'N', 'g'), 160) as why, count(*)::text as n from requests where status = 'failed' group by 1 order by 2 desc limit 3`,
  );
  const cost = await queryRows<{ usd: string }>(ledger.db, sql`select coalesce(sum(cost_usd), 0)::text as usd from attempts`);
  const count = (status: string) => Number(statuses.find((row) => row.status === status)?.n ?? 0);
  await producer.close();
  await runtime.close();
  await ledger.close();
  await fake.close();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  await deleteRedisPrefix(prefix);
  const byOutcome = Object.fromEntries(outcomes.map((row) => [row.k, Number(row.n)]));
  return {
    scenario,
    jobs,
    seconds,
    jobsPerSecond: jobs / seconds,
    succeeded: count("succeeded"),
    failed: count("failed"),
    calls: Object.values(byOutcome).reduce((a, b) => a + b, 0),
    byOutcome,
    costUsd: cost[0]!.usd,
    failures: Object.fromEntries(failures.map((row) => [row.why, Number(row.n)])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const jobs = Number(process.argv[2] ?? 300);
  const which = process.argv[3] ?? "all";
  // "fallback-before" / "fallback-after": item 16, gpt-5-mini answers 429 on 20% of calls (retry-after 1 s).
  const runs: Record<string, ScenarioOptions> = {
    "fallback-before": { pinned: false, faultyModel: "gpt-5-mini", errors: { "429": 0.2 }, fallbackRatio: 1000 },
    "fallback-after": { pinned: false, faultyModel: "gpt-5-mini", errors: { "429": 0.2 } },
  };
  for (const scenario of which === "all" ? Object.keys(SCENARIOS) : which.split(",")) {
    const result = await pinnedThroughput(scenario, jobs, runs[scenario] ?? {});
    console.log(
      JSON.stringify({ ...result, jobsPerSecond: Number(result.jobsPerSecond.toFixed(2)), seconds: Number(result.seconds.toFixed(2)) }),
    );
  }
  process.exit(0);
}
