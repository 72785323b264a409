import { sql } from "drizzle-orm";
import { openPostgres, queryRows } from "../src/ledger/db/database.js";
import { createProducer } from "../src/produce/producer.js";
import { benchConfig } from "./bench-config.js";
import { BENCH_REDIS_URL, benchPrefix, commandStats, commandsPerJob, createBenchDatabase, deleteRedisPrefix, sleep } from "./bench-env.js";
import { benchJobs } from "./bench-jobs.js";
import { scrapeGauge, startProcess, workerEnv, writeBenchConfig } from "./processes.js";

export interface EndToEndResult {
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
  /** Worker RSS (MB) when the given number of jobs had finished. */
  rssMb: { afterJobs: number; mb: number }[];
  providerCalls: number;
  /** Redis commands per job over the run (every stage, the producer and this bench's polling). */
  redisCommandsPerJob: ReturnType<typeof commandsPerJob>;
}

const ENQUEUE_CHUNK = 5_000;

/**
 * N jobs from `enqueue` until their `requests` rows are final: producer here, one worker process running
 * every stage, the fake provider in its own process with zero latency, real Redis and Postgres.
 */
export async function endToEnd(jobs: number, memoryCheckpoints: number[] = []): Promise<EndToEndResult> {
  const database = await createBenchDatabase("e2e");
  const ledger = await openPostgres(database.url, { poolSize: 2 });
  await ledger.migrate();
  const prefix = benchPrefix("e2e");
  const config = benchConfig({ cheap: 64, balanced: 64, premium: 64 });
  const fake = startProcess(["fake-llm", "--port", "0"], {});
  const fakeUrl = await fake.waitFor(/listening on (http:\/\/[\d.:]+)/);
  const worker = startProcess(
    ["worker"],
    workerEnv({ databaseUrl: database.url, redisUrl: BENCH_REDIS_URL, prefix, configPath: await writeBenchConfig(config), fakeUrl }),
  );
  const healthPort = Number(await worker.waitFor(/health on :(\d+)/));
  const producer = createProducer({ db: ledger.db, config });
  const finished = async () =>
    Number((await queryRows<{ n: string }>(ledger.db, sql`select count(*)::text as n from requests where status <> 'queued'`))[0]!.n);

  const rssMb: EndToEndResult["rssMb"] = [];
  const pending = [...memoryCheckpoints].sort((a, b) => a - b);
  const statsBefore = await commandStats();
  const started = performance.now();
  let batchId: string | undefined;
  const enqueueing = (async () => {
    for (let start = 0; start < jobs; start += ENQUEUE_CHUNK) {
      const chunk = benchJobs(Math.min(ENQUEUE_CHUNK, jobs - start), `e2e-${start}`);
      const report = await producer.enqueueJobs(chunk, { batchName: "bench", batchId });
      batchId = report.batchId;
    }
  })();
  let done = 0;
  while (done < jobs) {
    await sleep(200);
    done = await finished();
    while (pending.length > 0 && done >= pending[0]!) {
      rssMb.push({ afterJobs: pending.shift()!, mb: (await scrapeGauge(healthPort, "process_resident_memory_bytes")) / 2 ** 20 });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await enqueueing;
  const redisCommandsPerJob = commandsPerJob(statsBefore, await commandStats(), jobs);
  const stats = (await (await fetch(`${fakeUrl}/stats`)).json()) as { totalCalls: number };

  await producer.close();
  await worker.stop();
  await fake.stop();
  await ledger.close();
  await database.drop();
  await deleteRedisPrefix(prefix);
  return { jobs, seconds, jobsPerSecond: jobs / seconds, rssMb, providerCalls: stats.totalCalls, redisCommandsPerJob };
}
