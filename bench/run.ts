/**
 * `npm run bench` (quick, under a minute or so) or `npm run bench -- --full`.
 * Prints one table and writes bench/results/bench.json. Run it on a quiet machine: every part
 * shares this machine's two cores with Redis and Postgres.
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderTable } from "../src/report/render/text-table.js";
import { bareCalls } from "./bare-calls.js";
import { classifyOverhead } from "./classify-overhead.js";
import { commitCost } from "./commit-cost.js";
import { endToEnd } from "./end-to-end.js";
import { rawBullmqThroughput } from "./raw-bullmq.js";
import { tierConcurrency } from "./tier-concurrency.js";

const full = process.argv.includes("--full");
const only = process.argv
  .find((arg) => arg.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const wants = (part: string) => !only || only.includes(part);
const sizes = full
  ? { raw: 100_000, e2e: 100_000, memory: [10_000, 100_000], tier: 800, tierWide: 12_000, classify: 200_000, reportRows: 5_000_000 }
  : { raw: 20_000, e2e: 10_000, memory: [2_000, 10_000], tier: 240, tierWide: 3_000, classify: 20_000, reportRows: 500_000 };

// Worker processes run the compiled build, as a deployment does (no on-the-fly TypeScript).
process.stderr.write("building dist/…\n");
execFileSync("npm", ["run", "--silent", "build"], { stdio: "inherit" });

const rows: string[][] = [];
const results: Record<string, unknown> = { mode: full ? "full" : "quick", at: new Date().toISOString() };
const log = (line: string) => process.stderr.write(`${line}\n`);
const fmt = (value: number, digits = 0) => value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

if (wants("e2e")) {
  log(`raw BullMQ: ${sizes.raw} no-op jobs…`);
  const raw = await rawBullmqThroughput(sizes.raw);
  log(`end to end: ${sizes.e2e} jobs…`);
  const e2e = await endToEnd(sizes.e2e, sizes.memory);
  log(`bare provider calls: ${sizes.e2e} at C=64, zero latency…`);
  const bare = await bareCalls(sizes.e2e, 64);
  const ratio = e2e.jobsPerSecond / raw.jobsPerSecond;
  results.rawBullmq = raw;
  results.bareCalls = bare;
  results.endToEnd = { ...e2e, ratioToRawBullmq: ratio, ratioToBareCalls: e2e.jobsPerSecond / bare.callsPerSecond };
  rows.push(["raw BullMQ no-op, one queue", `${fmt(raw.jobsPerSecond)} jobs/s`, `${raw.jobs} jobs`, "anchor"]);
  rows.push([
    "bare provider call, C=64, zero latency",
    `${fmt(bare.callsPerSecond)} calls/s`,
    "SDK + pooled HTTP + fake, no router",
    `${fmt(bare.callsPerSecond / raw.jobsPerSecond, 2)}× raw: the ceiling of one call a job`,
  ]);
  const top = e2e.redisCommandsPerJob.perCommand.slice(0, 6);
  rows.push([
    "Redis commands per job (end to end)",
    fmt(e2e.redisCommandsPerJob.total, 1),
    top.map((entry) => `${entry.command} ${fmt(entry.perJob, 1)}`).join(", "),
    "server-wide: use a Redis of its own",
  ]);
  rows.push([
    "end to end (enqueue → requests row)",
    `${fmt(e2e.jobsPerSecond)} jobs/s`,
    `${e2e.jobs} jobs, ${e2e.providerCalls} calls`,
    `${fmt(ratio, 2)}× raw (goal ≥ 0.30×), ${fmt(e2e.jobsPerSecond / bare.callsPerSecond, 2)}× bare calls`,
  ]);
  if (e2e.rssMb.length >= 2) {
    const [first, last] = [e2e.rssMb[0]!, e2e.rssMb[e2e.rssMb.length - 1]!];
    rows.push([
      "worker RSS",
      `${fmt(first.mb)} → ${fmt(last.mb)} MB`,
      `after ${first.afterJobs} → ${last.afterJobs} jobs`,
      `${fmt(last.mb / first.mb, 2)}× (goal: flat)`,
    ]);
  }
}
if (wants("tier")) {
  for (const [jobs, limit, latencyMs] of [
    [sizes.tier, 8, 100],
    [sizes.tierWide, 64, 50],
  ] as const) {
    log(`tier concurrency: ${jobs} jobs at C=${limit}, L=${latencyMs} ms over two workers…`);
    const tier = await tierConcurrency(jobs, limit, latencyMs);
    const bare = await bareCalls(jobs, limit, latencyMs);
    results[`tierConcurrencyC${limit}`] = { ...tier, bareShareOfIdeal: bare.shareOfIdeal };
    rows.push([
      `tier throughput, C=${tier.limit}, L=${tier.latencyMs} ms, 2 workers`,
      `${fmt(tier.jobsPerSecond, 1)} jobs/s`,
      `ideal ${fmt(tier.idealPerSecond)} jobs/s, max in flight ${tier.maxInFlight}`,
      `${fmt(100 * tier.shareOfIdeal, 1)}% of C/L (goal ≥ 95%${tier.maxInFlight > tier.limit ? ", ABOVE C" : ", never > C"})`,
    ]);
    rows.push([
      `  bare provider calls, C=${limit}, L=${latencyMs} ms`,
      `${fmt(bare.callsPerSecond, 1)} calls/s`,
      "SDK + pooled HTTP + fake, no router",
      `${fmt(100 * bare.shareOfIdeal!, 1)}% of C/L: what the router's row loses to the client and the fake`,
    ]);
  }
}
if (wants("commit")) {
  log("ledger commit: rollup triggers against a bare insert…");
  const commits = await commitCost();
  results.commitCost = commits;
  for (const entry of commits) {
    rows.push([
      `ledger commit, ${entry.groupSize} jobs per group`,
      `${fmt(entry.medianMs, 1)} ms median`,
      `${fmt(entry.msPer1000Jobs)} ms per 1,000 jobs`,
      `bare insert ${fmt(entry.bareMedianMs, 1)} ms (${fmt(entry.bareMsPer1000Jobs)} per 1,000)`,
    ]);
  }
}
if (wants("classify")) {
  for (const classify of await classifyOverhead(sizes.classify)) {
    results[`classify_${classify.classifier}`] = classify;
    const goal = classify.classifier === "trained" ? 100 : 50;
    rows.push([
      `classify per job (${classify.classifier})`,
      `p50 ${fmt(classify.p50Us, 1)} µs`,
      `p99 ${fmt(classify.p99Us, 1)} µs over ${classify.samples}`,
      `goal p99 < ${goal} µs`,
    ]);
  }
}
const reportBench = new URL("./report-bench.ts", import.meta.url);
if (wants("report") && existsSync(fileURLToPath(reportBench))) {
  log(`report speed: ${sizes.reportRows} attempts rows…`);
  const { runReportBench } = (await import(reportBench.href)) as {
    runReportBench: (options: {
      rows: number;
      quick?: boolean;
    }) => Promise<Record<string, unknown> & { reports?: { name: string; medianMs: number; matchesNaive: boolean }[] }>;
  };
  const report = await runReportBench({ rows: sizes.reportRows, quick: !full });
  results.report = report;
  for (const entry of report.reports ?? []) {
    rows.push([
      `report ${entry.name}`,
      `${fmt(entry.medianMs, 1)} ms median`,
      `${fmt(sizes.reportRows)} attempts rows`,
      entry.matchesNaive ? "= naive GROUP BY" : "DIFFERS from naive GROUP BY",
    ]);
  }
}

process.stdout.write(`\n${renderTable(["measure", "result", "detail", "against"], rows)}\n`);
await mkdir(new URL("./results/", import.meta.url), { recursive: true });
await writeFile(new URL("./results/bench.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.stderr.write("written to bench/results/bench.json\n");
