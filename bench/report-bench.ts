/**
 * Report speed at scale: loads N attempts rows (default 5,000,000) into a fresh database through the
 * real triggers (rollups are built the way production builds them), then times `report --by
 * day,model` and `report --by tier` on the CLI's code path, called in-process (several runs, median),
 * and checks each answer against a naive GROUP BY over the raw tables.
 *
 *   npx tsx bench/report-bench.ts [--rows N] [--quick] [--keep]
 *
 * Prints a table and writes bench/results/report.json. `npm run bench` calls runReportBench().
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { sql } from "drizzle-orm";
import { openPostgres, queryRows, type Db } from "../src/ledger/db/database.js";
import { formatReport } from "../src/report/render/format-report.js";
import { renderHtmlReport } from "../src/report/render/html-report.js";
import { buildReport, trimDecimal, type Dimension, type Report } from "../src/report/query/report-query.js";
import { renderTable } from "../src/report/render/text-table.js";
import { createBenchDatabase } from "./bench-env.js";

export interface ReportTiming {
  name: string;
  /** The CLI command this stands for. */
  command: string;
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Rows, totals and the summary equal the naive GROUP BY over the raw tables, to the picodollar. */
  matchesNaive: boolean;
  naiveMs: number;
  mismatches: string[];
}

export interface ReportBenchResult {
  rows: number;
  requests: number;
  batches: number;
  days: number;
  loadMs: number;
  loadRowsPerSecond: number;
  rollupRows: Record<string, number>;
  reports: ReportTiming[];
  /** Not part of the target: the json/html formats also gather routing, latency and daily series. */
  extras: { name: string; medianMs: number }[];
  targetMs: number;
  pass: boolean;
  machine: { cpus: number; node: string; postgres: string };
  at: string;
}

const TARGET_MS = 200;
const DAY_MS = 86_400_000;
const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Call patterns, 100 in all, mixed by a hash of the request number: 75 answered by the cheap
 * primary, 10 by the cheap fallback after a 429, 10 escalated to balanced after an invalid answer,
 * 4 to premium, 1 failing everywhere — 1.3 calls per request, like a real mixed batch.
 */
const SCENARIOS = `(values
  (0, 1, 'cheap', 'openai', 'gpt-5-mini', 'ok', null::smallint),
  (1, 1, 'cheap', 'openai', 'gpt-5-mini', 'error', 429::smallint),
  (1, 2, 'cheap', 'anthropic', 'claude-haiku-4-5', 'ok', null),
  (2, 1, 'cheap', 'openai', 'gpt-5-mini', 'invalid', null),
  (2, 2, 'balanced', 'anthropic', 'claude-sonnet-4-6', 'ok', null),
  (3, 1, 'cheap', 'openai', 'gpt-5-mini', 'invalid', null),
  (3, 2, 'balanced', 'anthropic', 'claude-sonnet-4-6', 'invalid', null),
  (3, 3, 'premium', 'anthropic', 'claude-opus-4-7', 'ok', null),
  (4, 1, 'cheap', 'openai', 'gpt-5-mini', 'invalid', null),
  (4, 2, 'balanced', 'anthropic', 'claude-sonnet-4-6', 'invalid', null),
  (4, 3, 'premium', 'anthropic', 'claude-opus-4-7', 'invalid', null)
) as s(scenario, k, tier, provider, model, outcome, http_status)`;

/** USD per million tokens: input, cache read, output. */
const PRICES = `(values
  ('gpt-5-mini', 0.25, 0.025, 2.0), ('claude-haiku-4-5', 1.0, 0.1, 5.0), ('claude-sonnet-4-6', 3.0, 0.3, 15.0),
  ('claude-opus-4-7', 5.0, 0.5, 25.0)
) as p(model, input, cache_read, output)`;

const CALLS_PER_REQUEST = 1.3;

export async function runReportBench(options: { rows: number; quick?: boolean; keep?: boolean }): Promise<ReportBenchResult> {
  const requests = Math.max(1, Math.round(options.rows / CALLS_PER_REQUEST));
  const days = options.quick ? 30 : 90;
  const batches = Math.max(1, Math.round(requests / 5_000));
  const runs = options.quick ? 5 : 9;
  const bench = await createBenchDatabase("report");
  const database = await openPostgres(bench.url, { poolSize: 4 });
  const loader = new pg.Client({ connectionString: bench.url });
  try {
    await database.migrate();
    await loader.connect();
    log(
      `report bench: loading ~${options.rows.toLocaleString("en-US")} attempts (${requests.toLocaleString("en-US")} requests, ${batches} batches, ${days} days) through the triggers…`,
    );
    const loadStarted = performance.now();
    await load(loader, { requests, batches, days });
    const loadMs = performance.now() - loadStarted;
    await loader.query("vacuum analyze");

    const [counts] = await queryRows<Record<string, string>>(
      database.db,
      sql`select (select count(*) from attempts)::text as attempts,
            (select count(*) from attempt_rollup_daily)::text as attempt_rollup_daily,
            (select count(*) from attempt_rollup_batch_daily)::text as attempt_rollup_batch_daily,
            (select count(*) from request_rollup_daily)::text as request_rollup_daily,
            (select count(*) from request_rollup_batch_daily)::text as request_rollup_batch_daily,
            current_setting('server_version') as version`,
    );
    const rows = Number(counts!.attempts);
    log(`loaded ${rows.toLocaleString("en-US")} attempts in ${(loadMs / 1000).toFixed(1)} s; timing reports…`);

    const reports: ReportTiming[] = [];
    for (const by of [["day", "model"], ["tier"]] as Dimension[][]) {
      const timing = await timeReport(database.db, by, runs);
      log(`naive GROUP BY for --by ${by.join(",")}…`);
      const naiveStarted = performance.now();
      const mismatches = await compareWithNaive(database.db, timing.report, by);
      reports.push({
        name: `--by ${by.join(",")}`,
        command: `llm-router report --by ${by.join(",")}`,
        runs,
        medianMs: timing.medianMs,
        minMs: timing.minMs,
        maxMs: timing.maxMs,
        matchesNaive: mismatches.length === 0,
        naiveMs: performance.now() - naiveStarted,
        mismatches,
      });
    }
    const extras = [
      {
        name: "--by day,model --format json (with insights)",
        medianMs: (await timeReport(database.db, ["day", "model"], runs, "json")).medianMs,
      },
      { name: "--by tier,model --format html", medianMs: (await timeReport(database.db, ["tier", "model"], runs, "html")).medianMs },
      { name: "--by feature,batch", medianMs: (await timeReport(database.db, ["feature", "batch"], runs)).medianMs },
    ];
    return {
      rows,
      requests,
      batches,
      days,
      loadMs: Math.round(loadMs),
      loadRowsPerSecond: Math.round(rows / (loadMs / 1000)),
      rollupRows: Object.fromEntries(
        Object.entries(counts!)
          .filter(([key]) => key.includes("rollup"))
          .map(([key, value]) => [key, Number(value)]),
      ),
      reports,
      extras,
      targetMs: TARGET_MS,
      pass: reports.every((report) => report.matchesNaive && report.medianMs < TARGET_MS),
      machine: { cpus: cpus().length, node: process.version, postgres: counts!.version! },
      at: new Date().toISOString(),
    };
  } finally {
    await loader.end().catch(() => {});
    await database.close();
    if (options.keep) log(`kept database ${bench.url}`);
    else await bench.drop();
  }
}

/**
 * The ledger as production writes it, a chunk at a time: requests inserted queued, then their
 * attempts, then the requests finished (an UPDATE), each a statement that fires the triggers.
 * Each request's calls start a few seconds apart within one UTC day.
 */
async function load(client: pg.Client, shape: { requests: number; batches: number; days: number }): Promise<void> {
  // A bulk loader's session settings; the triggers run in this session and use them too.
  await client.query("set work_mem = '64MB'; set synchronous_commit = off; set jit = off");
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const firstDay = new Date(today - shape.days * DAY_MS).toISOString();
  await client.query(
    `select attempts_create_partition(m::date) from generate_series(date_trunc('month', $1::timestamptz at time zone 'UTC'),
       date_trunc('month', now() at time zone 'UTC'), interval '1 month') m`,
    [firstDay],
  );
  await client.query(
    `insert into batches (id, name, job_count, created_at)
     select 'bench-' || b, 'bench batch ' || b, 0, $1::timestamptz + (b % $2) * interval '1 day'
     from generate_series(0, $3 - 1) b`,
    [firstDay, shape.days, shape.batches],
  );
  await client.query(`create temp table chunk (like attempts including defaults) on commit preserve rows`);
  const chunkSize = 100_000;
  for (let lo = 0; lo < shape.requests; lo += chunkSize) {
    const hi = Math.min(shape.requests, lo + chunkSize);
    await client.query("begin");
    await client.query(
      `insert into requests (id, batch_id, kind, feature, created_at)
       select 'r' || i, 'bench-' || (i % $3), 'classify',
         (array['support-triage', 'news-digest', 'invoice-extraction', 'analysis', null])[1 + i % 5],
         $4::timestamptz + ((i % $3) % $5) * interval '1 day' + (abs(hashint4(i * 3 + 1)) % 86000) * interval '1 second'
       from generate_series($1::int, $2::int - 1) i`,
      [lo, hi, shape.batches, firstDay, shape.days],
    );
    await client.query("truncate chunk");
    await client.query(
      `insert into chunk (id, request_id, attempt_no, tier, provider, model, outcome, error_type, http_status, latency_ms,
         input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd, started_at, finished_at)
       select md5('a' || i || '-' || s.k)::uuid, 'r' || i, s.k, s.tier, s.provider, s.model, s.outcome,
         case s.outcome when 'error' then 'rate_limited' when 'invalid' then 'invalid_output' end, s.http_status, t.latency,
         t.input, t.output, t.cache_read, 0, 0,
         case when s.outcome = 'error' then 0
              else ((t.input - t.cache_read) * p.input + t.cache_read * p.cache_read + t.output * p.output) / 1000000 end,
         r.created_at + s.k * interval '4 seconds', r.created_at + s.k * interval '4 seconds' + t.latency * interval '1 millisecond'
       from generate_series($1::int, $2::int - 1) i
       cross join lateral (select $4::timestamptz + ((i % $3) % $5) * interval '1 day'
           + (abs(hashint4(i * 3 + 1)) % 86000) * interval '1 second' as created_at,
         case when abs(hashint4(i)) % 100 < 75 then 0 when abs(hashint4(i)) % 100 < 85 then 1
              when abs(hashint4(i)) % 100 < 95 then 2 when abs(hashint4(i)) % 100 < 99 then 3 else 4 end as scenario) r
       join ${SCENARIOS} on s.scenario = r.scenario
       join ${PRICES} on p.model = s.model
       cross join lateral (select
           case when s.outcome = 'error' then 0 else 200 + abs(hashint4(i * 7 + s.k)) % 2000 end as input,
           case when s.outcome = 'error' then 0 else 5 + abs(hashint4(i * 11 + s.k)) % 300 end as output,
           case when s.outcome <> 'error' and abs(hashint4(i * 13 + s.k)) % 10 < 3 then 100 else 0 end as cache_read,
           case when s.outcome = 'error' then 20 + abs(hashint4(i * 17 + s.k)) % 400
                else (150 + abs(hashint4(i * 19 + s.k)) % 2500) * (case s.tier when 'cheap' then 1 when 'balanced' then 2 else 4 end) end as latency
         ) t`,
      [lo, hi, shape.batches, firstDay, shape.days],
    );
    await client.query(`insert into attempts select * from chunk`);
    await client.query(
      `update requests r set status = c.status, initial_tier = 'cheap', final_tier = c.final_tier,
         final_provider = c.final_provider, final_model = c.final_model, escalations = c.escalations,
         attempt_count = c.attempts, cost_usd = c.cost, baseline_cost_usd = c.baseline, finished_at = c.finished_at
       from (
         select ch.request_id, count(*) as attempts, sum(ch.cost_usd) as cost, max(ch.finished_at) as finished_at,
           case when bool_or(ch.outcome = 'ok') then 'succeeded' else 'failed' end as status,
           (array_agg(ch.tier order by ch.attempt_no desc))[1] as final_tier,
           max(ch.provider) filter (where ch.outcome = 'ok') as final_provider,
           max(ch.model) filter (where ch.outcome = 'ok') as final_model,
           count(distinct ch.tier) - 1 as escalations,
           coalesce(sum(((ch.input_tokens - ch.cache_read_tokens) * 5.0 + ch.cache_read_tokens * 0.5 + ch.output_tokens * 25.0) / 1000000)
             filter (where ch.outcome = 'ok'), 0) as baseline
         from chunk ch group by ch.request_id
       ) c
       where r.id = c.request_id and r.status = 'queued'`,
    );
    await client.query("commit");
    if ((hi / chunkSize) % 5 === 0 || hi === shape.requests)
      log(`  ${hi.toLocaleString("en-US")} / ${shape.requests.toLocaleString("en-US")} requests`);
  }
  await client.query(`update batches b set job_count = (select count(*) from requests r where r.batch_id = b.id)`);
}

async function timeReport(db: Db, by: Dimension[], runs: number, format: "table" | "json" | "html" = "table") {
  const times: number[] = [];
  let report: Report | undefined;
  // One warm-up run: the first query of a connection plans and caches.
  for (let run = 0; run <= runs; run++) {
    const started = performance.now();
    report = await buildReport(db, by, {}, { insights: format !== "table" });
    const text = format === "html" ? renderHtmlReport(report) : formatReport(report, format);
    if (text.length === 0) throw new Error("empty report");
    if (run > 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    report: report!,
    medianMs: round(times[Math.floor(times.length / 2)]!),
    minMs: round(times[0]!),
    maxMs: round(times[times.length - 1]!),
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** The same numbers straight from the raw tables: count(distinct), count(*) and sum() per group. */
async function compareWithNaive(db: Db, report: Report, by: Dimension[]): Promise<string[]> {
  const columns: Record<string, string> = {
    day: `to_char((started_at at time zone 'UTC')::date, 'YYYY-MM-DD')`,
    model: "model",
    tier: "tier",
  };
  const groups = by.map((dimension) => `${columns[dimension]} as "${dimension}"`).join(", ");
  const naive = await queryRows<Record<string, string>>(
    db,
    sql.raw(`select ${groups}, count(distinct request_id)::text as requests, count(*)::text as calls,
        count(*) filter (where outcome <> 'ok')::text as failed_calls, sum(input_tokens)::text as input_tokens,
        sum(output_tokens)::text as output_tokens, sum(cache_read_tokens)::text as cache_read_tokens,
        sum(cache_write_tokens)::text as cache_write_tokens, sum(cost_usd)::text as cost_usd
      from attempts group by ${by.map((_, index) => index + 1).join(", ")} order by ${by.map((_, index) => index + 1).join(", ")}`),
  );
  const [totals] = await queryRows<Record<string, string>>(
    db,
    sql`select (select sum(cost_usd) from attempts)::text as attempts_cost, (select sum(cost_usd) from requests)::text as requests_cost,
          (select sum(baseline_cost_usd) from requests)::text as baseline, (select count(*) from requests)::text as requests,
          (select count(*) from requests where status = 'failed')::text as failed,
          (select count(*) from requests where escalations > 0)::text as escalated`,
  );
  const mismatches: string[] = [];
  const expect = (what: string, actual: unknown, expected: unknown) => {
    if (String(actual) !== String(expected) && mismatches.length < 20) mismatches.push(`${what}: report ${actual}, naive ${expected}`);
  };
  expect("row count", report.rows.length, naive.length);
  naive.forEach((row, index) => {
    const got = report.rows[index];
    const key = by.map((dimension) => row[dimension]).join("/");
    for (const dimension of by) expect(`${key} ${dimension}`, got?.group[dimension], row[dimension]);
    expect(`${key} requests`, got?.requests, row.requests);
    expect(`${key} calls`, got?.calls, row.calls);
    expect(`${key} failed calls`, got?.failedCalls, row.failed_calls);
    expect(`${key} input tokens`, got?.inputTokens, row.input_tokens);
    expect(`${key} output tokens`, got?.outputTokens, row.output_tokens);
    expect(`${key} cache read tokens`, got?.cacheReadTokens, row.cache_read_tokens);
    expect(`${key} cache write tokens`, got?.cacheWriteTokens, row.cache_write_tokens);
    expect(`${key} cost`, got?.costUsd, trimDecimal(row.cost_usd!));
  });
  expect("summary cost = sum of attempt costs", report.summary.costUsd, trimDecimal(totals!.attempts_cost!));
  expect("summary cost = sum of request costs", report.summary.costUsd, trimDecimal(totals!.requests_cost!));
  expect("summary baseline", report.summary.baselineCostUsd, trimDecimal(totals!.baseline!));
  expect("summary requests", report.summary.requests, totals!.requests);
  expect("summary failed", report.summary.failed, totals!.failed);
  expect("summary escalated", report.summary.escalated, totals!.escalated);
  return mismatches;
}

function printResult(result: ReportBenchResult): void {
  const fmt = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 1 });
  const rows = [
    ...result.reports.map((report) => [
      report.command,
      `${fmt(report.medianMs)} ms`,
      `${fmt(report.minMs)}–${fmt(report.maxMs)} ms over ${report.runs}`,
      report.matchesNaive ? `= naive GROUP BY (${fmt(report.naiveMs / 1000)} s)` : `DIFFERS: ${report.mismatches.slice(0, 3).join("; ")}`,
      report.medianMs < result.targetMs ? `< ${result.targetMs} ms` : `OVER ${result.targetMs} ms`,
    ]),
    ...result.extras.map((extra) => [`llm-router report ${extra.name}`, `${fmt(extra.medianMs)} ms`, "", "", "(not in target)"]),
  ];
  process.stdout.write(
    `\nreport bench: ${result.rows.toLocaleString("en-US")} attempts, ${result.requests.toLocaleString("en-US")} requests, ` +
      `${result.batches} batches over ${result.days} days; loaded through the triggers in ${fmt(result.loadMs / 1000)} s ` +
      `(${result.loadRowsPerSecond.toLocaleString("en-US")} attempts/s); rollup rows ${JSON.stringify(result.rollupRows)}\n` +
      `${renderTable(["command", "median", "range", "answer", "target"], rows)}\n`,
  );
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = Number(argument("--rows") ?? 5_000_000);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive whole number, got ${argument("--rows")}`);
  const result = await runReportBench({ rows, quick: process.argv.includes("--quick"), keep: process.argv.includes("--keep") });
  printResult(result);
  await mkdir(new URL("./results/", import.meta.url), { recursive: true });
  await writeFile(new URL("./results/report.json", import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write("written to bench/results/report.json\n");
  if (!result.pass) process.exitCode = 1;
}
