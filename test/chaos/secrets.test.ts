import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForBatchSettled } from "../helpers/batch-settled.js";
import { ledgerNumbers, lostOf, printChaosSummary } from "../helpers/chaos-summary.js";
import { pipelineEnv, startWorkerProcess } from "../helpers/chaos-workers.js";
import { runCli, type LongRunningCli } from "../helpers/cli-process.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { mixedJobs } from "../helpers/jobs.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { dumpDatabaseRows } from "../helpers/postgres-dump.js";
import { dumpPrefix } from "../helpers/redis-dump.js";

/**
 * API keys never appear in logs, error messages, job data or Postgres. A batch runs through two
 * worker processes that hold real-looking keys (debug logging on, provider errors of every kind),
 * then everything the system wrote is searched for them.
 */
const TIERS = ["cheap", "balanced", "premium"];

/** Forwards to the fake provider and remembers each request's headers: proof the keys were really used. */
async function startRecordingProxy(target: string): Promise<{ url: string; headers: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const targetUrl = new URL(target);
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    headers.push(incoming.headers);
    const forward = request(
      { host: targetUrl.hostname, port: targetUrl.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", () => outgoing.destroy());
    outgoing.on("close", () => forward.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe("API keys stay secret", { timeout: 180_000 }, () => {
  const openaiKey = `sk-test-${randomBytes(18).toString("hex")}`;
  const anthropicKey = `sk-ant-test-${randomBytes(18).toString("hex")}`;
  /** The keys, and their random parts alone (a masked "sk-…abcd" form would still show those). */
  const needles = [openaiKey, anthropicKey, openaiKey.slice("sk-test-".length), anthropicKey.slice("sk-ant-test-".length)];
  let pipeline: TestPipeline;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let env: NodeJS.ProcessEnv;
  const workers: { worker: LongRunningCli; port: number }[] = [];

  beforeAll(async () => {
    const config = testConfig();
    pipeline = await startTestPipeline({
      config,
      stages: [],
      scenario: {
        seed: 31,
        models: {
          "*": { latencyMs: 5 },
          "gpt-5-mini": { errors: { "429": 0.15, "500": 0.15, "401": 0.1 }, retryAfterMs: 20, invalidRate: 0.1 },
          "claude-haiku-4-5": { errors: { "529": 0.2, "403": 0.1, "400": 0.05 }, invalidRate: 0.1 },
          "claude-sonnet-4-6": { errors: { "503": 0.2, timeout: 0.05 } },
          "gpt-5.1": { errors: { "502": 0.2, "404": 0.05 } },
        },
      },
    });
    proxy = await startRecordingProxy(pipeline.fake.url);
    env = pipelineEnv(pipeline, await writeConfigFile(config), {
      OPENAI_API_KEY: openaiKey,
      ANTHROPIC_API_KEY: anthropicKey,
      OPENAI_BASE_URL: `${proxy.url}/v1`,
      ANTHROPIC_BASE_URL: proxy.url,
      LOG_LEVEL: "debug",
    });
    for (let index = 0; index < 2; index++) workers.push(await startWorkerProcess(["intake", ...TIERS], env));
  }, 90_000);
  afterAll(async () => {
    for (const { worker } of workers) worker.child.kill("SIGKILL");
    await proxy?.close();
    await pipeline?.close();
  });

  it("appear nowhere: not in logs, command output, metrics, any Postgres row, or any Redis key or value", async () => {
    const dir = await mkdtemp(join(tmpdir(), "llm-router-secrets-"));
    const file = join(dir, "jobs.jsonl");
    const jobs = [
      ...mixedJobs(40, "secret"),
      // Pinned to a failing-prone model: some end failed, with every provider message in their error.
      ...Array.from({ length: 8 }, (_, index) => ({
        id: `pinned-${index}`,
        kind: "summarize",
        tier: "cheap",
        model: "gpt-5-mini",
        prompt: `Summarize item ${index}: the delivery was late.`,
      })),
    ];
    await writeFile(file, `${jobs.map((job) => JSON.stringify(job)).join("\n")}\n{ not json\n`);
    // The CLI runs with the keys too (and debug logging), so its output is searched as well.
    const enqueue = await runCli(["enqueue", file, "--batch", "secrets"], env);
    expect(enqueue.code, enqueue.stderr).toBe(3);
    const batchId = enqueue.stdout.trim();
    const { status } = await waitForBatchSettled(
      pipeline.testDb.database.db,
      pipeline.runtime.redis(),
      pipeline.prefix,
      TIERS,
      batchId,
      120_000,
    );
    const batch = await runCli(["batch", batchId, "--json"], env);
    const report = await runCli(["report", "--by", "tier,model,feature", "--format", "json"], env);
    const metrics = await Promise.all(workers.map(async ({ port }) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()));
    // Stop the workers cleanly so every log line is out.
    const codes = await Promise.all(workers.map(({ worker }) => worker.stop()));

    const sources: { where: string; text: string | Buffer }[] = [
      ...workers.flatMap(({ worker }, index) => [
        { where: `worker ${index} stdout`, text: worker.output().stdout },
        { where: `worker ${index} stderr`, text: worker.output().stderr },
      ]),
      ...[enqueue, batch, report].flatMap((result, index) => [
        { where: `cli ${["enqueue", "batch", "report"][index]} stdout`, text: result.stdout },
        { where: `cli ${["enqueue", "batch", "report"][index]} stderr`, text: result.stderr },
      ]),
      ...metrics.map((text, index) => ({ where: `worker ${index} /metrics`, text })),
    ];
    const { tables, rows } = await dumpDatabaseRows(pipeline.testDb.url);
    for (const row of rows) sources.push({ where: `postgres ${row.table}`, text: row.text });
    const keys = await dumpPrefix(pipeline.runtime.redis(), pipeline.prefix);
    for (const key of keys)
      sources.push({ where: `redis ${key.type} ${key.key}`, text: Buffer.concat([Buffer.from(`${key.key}\n`), key.bytes]) });

    const leaks = sources.flatMap(({ where, text }) =>
      needles
        .filter((needle) => (Buffer.isBuffer(text) ? text.includes(needle) : text.includes(needle)))
        .map((needle) => `${where}: ${needle.slice(0, 12)}…`),
    );
    const numbers = await ledgerNumbers(pipeline.testDb.database.db, batchId);
    const sentOpenAi = proxy.headers.filter((headers) => headers.authorization === `Bearer ${openaiKey}`).length;
    // The Anthropic SDK sends its key as x-api-key or as a bearer token, depending on its version.
    const sentAnthropic = proxy.headers.filter(
      (headers) => headers["x-api-key"] === anthropicKey || headers.authorization === `Bearer ${anthropicKey}`,
    ).length;
    const logBytes = workers.reduce((sum, { worker }) => sum + worker.output().stderr.length, 0);
    printChaosSummary(
      "secrets/keys in logs, Postgres, Redis",
      {
        enqueued: numbers.enqueued,
        completed: numbers.completed,
        failed: numbers.failed,
        duplicated: numbers.duplicated,
        lost: lostOf(numbers),
        extraProviderCalls: pipeline.fake.stats().totalCalls - numbers.attemptTotal,
      },
      {
        "provider calls": pipeline.fake.stats().totalCalls,
        "calls carrying the OpenAI key": sentOpenAi,
        "calls carrying the Anthropic key": sentAnthropic,
        "places searched": sources.length,
        "postgres tables": tables.length,
        "postgres rows": rows.length,
        "redis keys": keys.length,
        "worker log bytes": logBytes,
        leaks: leaks.length,
      },
    );

    // The search means something: the batch ran, with errors, and both keys went out on the wire.
    expect.soft(status.queued).toBe(0);
    expect.soft(status.failed).toBeGreaterThan(0);
    expect.soft(numbers.attempts.error ?? 0).toBeGreaterThan(0);
    expect.soft(sentOpenAi).toBeGreaterThan(0);
    expect.soft(sentAnthropic).toBeGreaterThan(0);
    expect.soft(codes).toEqual([0, 0]);
    expect.soft(logBytes).toBeGreaterThan(0);
    expect.soft(tables).toEqual(expect.arrayContaining(["public.batches", "public.requests", "public.attempts"]));
    expect.soft(keys.length).toBeGreaterThan(0);
    // And nothing anywhere holds a key.
    expect(leaks).toEqual([]);
  });
});
