// Time and RSS to ingest one provider batch of N results (issue 14's "Done when"): N jobs held in a
// lane, submitted to the fake provider's OpenAI batch API in one batch, then one poller tick that
// sees it ended and ingests every line (attempt rows, requests finished). Usage:
//   nice -n 5 npx tsx bench/batch-ingest.ts [N=50000]
import { Redis } from "ioredis";
import { parseRouterConfig } from "../src/config/load-config.js";
import { openPostgres } from "../src/ledger/db/database.js";
import { createLedgerWriter } from "../src/ledger/ledger-writer.js";
import { createLogger } from "../src/observability/logger.js";
import { buildPriceBook } from "../src/pricing/price-book.js";
import { createProviderRegistry } from "../src/providers/provider-registry.js";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLaneService } from "../src/batch-lane/lane-service.js";
import { createBatchProviders } from "../src/batch-lane/batch-provider-registry.js";
import { providerBatchStore } from "../src/batch-lane/provider-batch-store.js";
import { benchPrefix, createBenchDatabase, deleteRedisPrefix } from "./bench-env.js";
import { sql } from "drizzle-orm";
import { queryRows } from "../src/ledger/db/database.js";

const N = Number(process.argv[2] ?? 50_000);
const LABELS = ["billing", "bug", "feature_request", "account_access", "shipping", "other"];

const bench = await createBenchDatabase("h14lane_ingest");
const database = await openPostgres(bench.url);
await database.migrate();
// The fake provider runs as its own process, so the RSS measured here is the ingesting worker's alone.
const scenarioFile = join(tmpdir(), `batch-ingest-scenario-${process.pid}.json`);
writeFileSync(scenarioFile, JSON.stringify({ seed: 1, models: { "*": { batchLatencyMs: 0 } } }));
// BENCH_FAKE_PORT: a port of the caller's own on a shared machine (default 20110).
const fakePort = process.env.BENCH_FAKE_PORT ?? "20110";
const fakeProcess = spawn(process.execPath, ["bin/llm-router.js", "fake-llm", "--port", fakePort, "--scenario", scenarioFile], {
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise<void>((resolve, reject) => {
  fakeProcess.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
  fakeProcess.once("exit", (code) => reject(new Error(`fake-llm exited with ${code}`)));
});
const fake = { url: `http://127.0.0.1:${fakePort}`, close: async () => void fakeProcess.kill() };
const redis = new Redis(process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/2");
const prefix = benchPrefix("h14lane-ingest");
const config = parseRouterConfig({
  tiers: [{ name: "cheap", batchLane: { maxItems: N, maxWaitMs: 0, minRoomMs: 0 }, models: [{ provider: "openai", model: "gpt-5-mini" }] }],
});
const env = {
  OPENAI_BASE_URL: `${fake.url}/v1`,
  ANTHROPIC_BASE_URL: fake.url,
  OPENAI_API_KEY: undefined,
  ANTHROPIC_API_KEY: undefined,
  PROVIDER_HTTP: "pooled" as const,
};
const live = { config, priceBook: buildPriceBook(config), providers: createProviderRegistry(env, config), version: 1 };
const ledger = createLedgerWriter(database.db);
const lane = startLaneService(
  {
    redis,
    prefix,
    db: database.db,
    ledger,
    providers: createBatchProviders(env, config),
    live: () => live,
    forward: async () => {},
    logger: createLogger("warn"),
    tiers: ["cheap"],
  },
  { timer: false },
);
try {
  const enqueuedAt = new Date().toISOString();
  for (let start = 0; start < N; start += 1_000) {
    await Promise.all(
      Array.from({ length: Math.min(1_000, N - start) }, (_, offset) => {
        const index = start + offset;
        const requestId = `ingest-${index}`;
        return lane.collector.hold({
          tier: "cheap",
          provider: "openai",
          model: "gpt-5-mini",
          attemptId: crypto.randomUUID(),
          attemptNo: 1,
          deadlineAt: new Date(Date.now() + 6 * 3_600_000).toISOString(),
          heldAt: enqueuedAt,
          job: {
            requestId,
            batchId: "ingest",
            enqueuedAt,
            job: { kind: "classify", labels: LABELS, prompt: `Ticket ${index}: I was charged twice, please refund.`, deadline: "6h" },
            route: { initialTier: "cheap", classifier: "bench", reason: "bench", score: 0 },
            escalations: 0,
            waitedMs: 0,
            attemptsSoFar: 0,
            costSoFarPico: "0",
            history: [],
            deferrals: 0,
            budgetPauses: 0,
          },
        });
      }),
    );
  }
  const submitStart = performance.now();
  await lane.tick(); // claims all N and submits them (upload + create)
  console.log(`submitted ${N} items in one batch: ${((performance.now() - submitStart) / 1000).toFixed(1)} s`);
  const store = providerBatchStore(database.db);
  const client = createBatchProviders(env, config).get("openai")!;
  const [row] = await store.open("openai");
  while (!(await client.status(row!.providerBatchId!)).ended) await new Promise((resolve) => setTimeout(resolve, 200));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const before = process.memoryUsage().rss;
  const start = performance.now();
  // The poller sees it ended (at its next poll: back-off from pollMinMs) and ingests every line.
  for (;;) {
    await lane.tick();
    const [state] = await queryRows<{ state: string }>(database.db, sql`select state from provider_batches limit 1`);
    if (state?.state === "ended") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await ledger.flush();
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  const [counts] = await queryRows<{ attempts: number; ended: string }>(
    database.db,
    sql`select (select count(*)::int from attempts where lane = 'batch') as attempts, (select state from provider_batches limit 1) as ended`,
  );
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  console.log(
    `ingested ${counts!.attempts} result lines (batch ${counts!.ended}) in ${seconds.toFixed(1)} s (${Math.round(N / seconds)} lines/s); ` +
      `RSS ${mb(before)} MB before, peak ${mb(peak)} MB during the ingest`,
  );
} finally {
  await lane.close();
  await ledger.close();
  await database.close();
  await fake.close();
  await deleteRedisPrefix(prefix).catch(() => {});
  redis.disconnect();
  await bench.drop();
}
