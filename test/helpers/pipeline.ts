import { createRuntime, type Runtime } from "../../src/runtime/runtime.js";
import { startWorker, type WorkerHandle } from "../../src/runtime/start-worker.js";
import { parseEnv } from "../../src/config/env.js";
import { parseRouterConfig } from "../../src/config/load-config.js";
import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { startFakeLlm, type FakeLlm, type ScenarioInput } from "../../src/fake-llm/index.js";
import { createProducer, type Producer } from "../../src/produce/producer.js";
import { batchStatus, type BatchStatus } from "../../src/report/query/batch-status.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "./redis.js";
import { waitFor } from "./wait-for.js";

/** Three tiers of real model names (so catalog prices apply), both providers in each. */
export function testConfig(overrides: Record<string, unknown> = {}): RouterConfig {
  return parseRouterConfig({
    tiers: [
      {
        name: "cheap",
        concurrency: 4,
        models: [
          { provider: "openai", model: "gpt-5-mini", timeoutMs: 2000 },
          { provider: "anthropic", model: "claude-haiku-4-5", timeoutMs: 2000 },
        ],
      },
      {
        name: "balanced",
        concurrency: 4,
        models: [
          { provider: "anthropic", model: "claude-sonnet-4-6", timeoutMs: 2000 },
          { provider: "openai", model: "gpt-5.1", timeoutMs: 2000 },
        ],
      },
      {
        name: "premium",
        concurrency: 2,
        models: [
          { provider: "anthropic", model: "claude-opus-4-7", timeoutMs: 2000 },
          { provider: "openai", model: "gpt-5.2", timeoutMs: 2000 },
        ],
      },
    ],
    retriesPerModel: 1,
    maxRetryDelayMs: 50,
    // Tests that script failures want exact attempt lists: the breaker stays out unless a test asks for it.
    circuitBreaker: { windowMs: 30_000, minCalls: 100_000, failureRate: 1, openMs: 1_000 },
    ...overrides,
  });
}

export interface TestPipeline {
  runtime: Runtime;
  testDb: TestDatabase;
  fake: FakeLlm;
  producer: Producer;
  worker?: WorkerHandle;
  prefix: string;
  config: RouterConfig;
  waitForBatch(batchId: string): Promise<BatchStatus>;
  close(): Promise<void>;
}

/**
 * Real Redis (own prefix), real Postgres (own database), the fake provider over HTTP, and the
 * stages running in this process. `stages: []` starts no worker (e.g. for worker processes spawned by the test).
 */
export async function startTestPipeline(
  options: { config?: RouterConfig; scenario?: ScenarioInput; stages?: string[] } = {},
): Promise<TestPipeline> {
  const testDb = await createTestDatabase();
  const prefix = uniquePrefix();
  const fake = await startFakeLlm({ port: 0, scenario: options.scenario });
  const config = options.config ?? testConfig();
  const env = {
    ...parseEnv({}),
    DATABASE_URL: testDb.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: "silent" as const,
  };
  const runtime = createRuntime(env, { config, redisWaitMs: "forever" });
  const worker =
    options.stages && options.stages.length === 0
      ? undefined
      : await startWorker(runtime, { stages: options.stages, fakeProviderUrl: fake.url });
  const producer = createProducer({ db: testDb.database.db, config });
  return {
    runtime,
    testDb,
    fake,
    producer,
    worker,
    prefix,
    config,
    waitForBatch: (batchId) =>
      waitFor(
        () => batchStatus(testDb.database.db, batchId),
        (status) => status.done,
        {
          what: `batch ${batchId} to finish`,
          timeoutMs: 45_000,
        },
      ),
    async close() {
      await producer.close();
      await runtime.close();
      await fake.close();
      await testDb.drop();
      await deletePrefix(prefix);
    },
  };
}
