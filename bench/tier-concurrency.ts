import { sql } from "drizzle-orm";
import { openPostgres, queryRows } from "../src/ledger/db/database.js";
import { createProducer } from "../src/produce/producer.js";
import { benchConfig } from "./bench-config.js";
import { BENCH_REDIS_URL, benchPrefix, createBenchDatabase, deleteRedisPrefix, sleep } from "./bench-env.js";
import { benchJobs } from "./bench-jobs.js";
import { startProcess, workerEnv, writeBenchConfig, writeScenario } from "./processes.js";

export interface TierConcurrencyResult {
  limit: number;
  latencyMs: number;
  jobs: number;
  jobsPerSecond: number;
  /** C / L: what a perfect scheduler would reach. */
  idealPerSecond: number;
  shareOfIdeal: number;
  /** The most calls the provider saw in flight at once, over both worker processes. */
  maxInFlight: number;
}

/** A tier limit C spread over two worker processes, the provider at latency L: throughput against C/L. */
export async function tierConcurrency(jobs: number, limit = 8, latencyMs = 100): Promise<TierConcurrencyResult> {
  const database = await createBenchDatabase("tier");
  const ledger = await openPostgres(database.url, { poolSize: 2 });
  await ledger.migrate();
  const prefix = benchPrefix("tier");
  const config = benchConfig({ cheap: limit, balanced: 4, premium: 2 });
  const fake = startProcess(
    ["fake-llm", "--port", "0", "--scenario", await writeScenario({ seed: 1, models: { "*": { latencyMs } } })],
    {},
  );
  const fakeUrl = await fake.waitFor(/listening on (http:\/\/[\d.:]+)/);
  const env = workerEnv({
    databaseUrl: database.url,
    redisUrl: BENCH_REDIS_URL,
    prefix,
    configPath: await writeBenchConfig(config),
    fakeUrl,
  });
  const workers = [startProcess(["worker", "--stages", "intake,cheap"], env), startProcess(["worker", "--stages", "cheap"], env)];
  for (const worker of workers) await worker.waitFor(/health on :(\d+)/);
  const producer = createProducer({ db: ledger.db, config });
  await producer.enqueueJobs(benchJobs(jobs, "tier", { tier: "cheap" }), { batchName: "tier-bench" });

  // Time from the first call to the last answer: the tier's steady state, not the enqueue.
  let firstCallAt: number | undefined;
  let done = 0;
  while (done < jobs) {
    await sleep(20);
    if (firstCallAt === undefined) {
      const stats = (await (await fetch(`${fakeUrl}/stats`)).json()) as { totalCalls: number };
      if (stats.totalCalls > 0) firstCallAt = performance.now();
    }
    done = Number(
      (await queryRows<{ n: string }>(ledger.db, sql`select count(*)::text as n from requests where status <> 'queued'`))[0]!.n,
    );
  }
  const seconds = (performance.now() - (firstCallAt ?? performance.now())) / 1000;
  const stats = (await (await fetch(`${fakeUrl}/stats`)).json()) as { models: Record<string, { maxInFlight: number }> };
  const maxInFlight = Math.max(...Object.values(stats.models).map((model) => model.maxInFlight));

  await producer.close();
  await Promise.all(workers.map((worker) => worker.stop()));
  await fake.stop();
  await ledger.close();
  await database.drop();
  await deleteRedisPrefix(prefix);
  const idealPerSecond = limit / (latencyMs / 1000);
  const jobsPerSecond = jobs / seconds;
  return { limit, latencyMs, jobs, jobsPerSecond, idealPerSecond, shareOfIdeal: jobsPerSecond / idealPerSecond, maxInFlight };
}
