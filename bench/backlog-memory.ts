/**
 * Redis memory with the Postgres backlog (issue 12): enqueue N jobs (the example mix), read Redis
 * `used_memory` at the end of the enqueue, then run them with two worker processes and sample its
 * peak, and the end-to-end rate. Runs its own redis-server (so used_memory is this run's alone):
 *
 *   npm run build && npx tsx bench/backlog-memory.ts [--jobs 100000] [--port 20290]
 */
import { spawn } from "node:child_process";
import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { openPostgres, queryRows } from "../src/ledger/db/database.js";
import { createProducer } from "../src/produce/producer.js";
import { benchConfig } from "./bench-config.js";
import { benchPrefix, createBenchDatabase, sleep } from "./bench-env.js";
import { benchJobs } from "./bench-jobs.js";
import { startProcess, workerEnv, writeBenchConfig } from "./processes.js";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const jobs = arg("jobs", 100_000);
const port = arg("port", 20290);
const redisUrl = `redis://127.0.0.1:${port}`;
const CHUNK = 10_000;

const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
  stdio: "ignore",
});
await sleep(500);
const redis = new Redis(redisUrl);
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info("memory"))![1]);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

const database = await createBenchDatabase("h12feed_mem");
const ledger = await openPostgres(database.url, { poolSize: 2 });
await ledger.migrate();
const config = benchConfig({ cheap: 64, balanced: 64, premium: 64 });
const prefix = benchPrefix("mem");
const producer = createProducer({ db: ledger.db, config });
const idle = await usedMemory();

let peakRss = process.memoryUsage().rss;
const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const enqueueStart = performance.now();
let batchId: string | undefined;
for (let start = 0; start < jobs; start += CHUNK) {
  const report = await producer.enqueueJobs(benchJobs(Math.min(CHUNK, jobs - start), `mem-${start}`), { batchName: "mem", batchId });
  batchId = report.batchId;
}
const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
clearInterval(rssSampler);
const afterEnqueue = await usedMemory();

const fake = startProcess(["fake-llm", "--port", "0"], {});
const fakeUrl = await fake.waitFor(/listening on (http:\/\/[\d.:]+)/);
const configPath = await writeBenchConfig(config);
const env = workerEnv({ databaseUrl: database.url, redisUrl, prefix, configPath, fakeUrl });
const runStart = performance.now();
const workers = [startProcess(["worker"], { ...env, PORT: "0" }), startProcess(["worker"], { ...env, PORT: "0" })];
await Promise.all(workers.map((worker) => worker.waitFor(/health on :(\d+)/)));
let peak = afterEnqueue;
let done = 0;
while (done < jobs) {
  await sleep(250);
  peak = Math.max(peak, await usedMemory());
  done = Number((await queryRows<{ n: string }>(ledger.db, sql`select count(*)::text as n from requests where status <> 'queued'`))[0]!.n);
}
const runSeconds = (performance.now() - runStart) / 1000;
const atEnd = await usedMemory();

/** What is left in Redis at the end, by kind of key: count and mean MEMORY USAGE of a sample. */
async function breakdown(): Promise<Record<string, { keys: number; meanBytes: number }>> {
  const kinds: Record<string, string[]> = {};
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const kind = key.includes(":journal:")
        ? "journal"
        : key.includes(":model:")
          ? "gate"
          : /:tier-[^:]+:[^:]+-\d+$/.test(key)
            ? "job"
            : "queue";
      (kinds[kind] ??= []).push(key);
    }
  } while (cursor !== "0");
  const result: Record<string, { keys: number; meanBytes: number }> = {};
  for (const [kind, keys] of Object.entries(kinds)) {
    const sample = keys.slice(0, 200);
    const sizes = await Promise.all(sample.map((key) => redis.memory("USAGE", key)));
    result[kind] = {
      keys: keys.length,
      meanBytes: Math.round(sizes.reduce<number>((sum, size) => sum + Number(size ?? 0), 0) / sample.length),
    };
  }
  return result;
}
const left = await breakdown();
console.log(
  JSON.stringify({
    jobs,
    enqueueSeconds: Number(enqueueSeconds.toFixed(1)),
    enqueueJobsPerSecond: Math.round(jobs / enqueueSeconds),
    producerPeakRssMb: Number(mb(peakRss)),
    redisUsedMemoryMb: {
      idle: Number(mb(idle)),
      endOfEnqueue: Number(mb(afterEnqueue)),
      peakWhileRunning: Number(mb(peak)),
      atEnd: Number(mb(atEnd)),
    },
    runSeconds: Number(runSeconds.toFixed(1)),
    endToEndJobsPerSecond: Math.round(jobs / runSeconds),
    keysAtEnd: left,
  }),
);
await Promise.all(workers.map((worker) => worker.stop()));
await fake.stop();
await producer.close();
await ledger.close();
await database.drop();
redis.disconnect();
server.kill("SIGKILL");
