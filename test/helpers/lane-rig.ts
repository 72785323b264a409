import { sql } from "drizzle-orm";
import { afterEach } from "vitest";
import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { startFakeLlm, type FakeLlm } from "../../src/fake-llm/index.js";
import { queryRows, type Db } from "../../src/ledger/db/database.js";
import { pipelineEnv, startWorkerProcess } from "./chaos-workers.js";
import type { LongRunningCli } from "./cli-process.js";
import { writeConfigFile } from "./config-file.js";
import type { OwnRedis } from "./own-redis.js";
import { startTestPipeline, type TestPipeline } from "./pipeline.js";
import { waitFor } from "./wait-for.js";

/** A batch that takes an hour of the fake provider's clock ends only when a test moves that clock on. */
export const BATCH_HOUR_MS = 3_600_000;

/** Every stage a batch-lane test's worker processes run. */
const LANE_STAGES = ["intake", "cheap", "premium"];

export interface LaneRig {
  fake: FakeLlm;
  pipeline: TestPipeline;
  db: Db;
  /** The environment of the rig's worker processes (and of CLI commands against the same pipeline). */
  env: NodeJS.ProcessEnv;
  /** Sets the fake provider's clock this far ahead of real time (batches end on that clock). */
  setClockAhead(ms: number): void;
  /** A worker process running every stage, stopped after the test if the test has not. */
  startWorker(): Promise<LongRunningCli>;
  /** Every worker started so far (their output, for what they logged). */
  workers: readonly LongRunningCli[];
}

export interface LaneRigOptions {
  seed: number;
  models: Record<string, Record<string, unknown>>;
  config: RouterConfig;
  /** A redis-server of the test's own (flushed or killed by it); stopped last, after the workers. */
  redis?: OwnRedis;
  /** More worker environment (short BullMQ locks for crash tests, say). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The moving parts of a batch-lane test with worker processes — a fake provider whose clock the test
 * moves, a pipeline of no stages of its own (its producer and database), the workers — with one
 * teardown after each test. Call at the top of a `describe`; call the function it returns in a test.
 */
export function useLaneRig(): (options: LaneRigOptions) => Promise<LaneRig> {
  let closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    const closing = closers;
    closers = [];
    for (const close of closing.reverse()) await close();
  });
  return async (options) => {
    if (options.redis) closers.push(() => options.redis!.stop());
    let clockAheadMs = 0;
    const fake = await startFakeLlm({
      port: 0,
      now: () => Date.now() + clockAheadMs,
      scenario: { seed: options.seed, models: options.models },
    });
    closers.push(() => fake.close());
    const pipeline = await startTestPipeline({ config: options.config, stages: [] });
    closers.push(() => pipeline.close());
    const env = pipelineEnv(pipeline, await writeConfigFile(options.config), {
      OPENAI_BASE_URL: `${fake.url}/v1`,
      ANTHROPIC_BASE_URL: fake.url,
      ...(options.redis ? { REDIS_URL: options.redis.url } : {}),
      ...options.env,
    });
    const workers: LongRunningCli[] = [];
    closers.push(() => Promise.all(workers.map((worker) => worker.stop())));
    return {
      fake,
      pipeline,
      db: pipeline.testDb.database.db,
      env,
      workers,
      setClockAhead: (ms) => {
        clockAheadMs = ms;
      },
      startWorker: async () => {
        const { worker } = await startWorkerProcess(LANE_STAGES, env);
        workers.push(worker);
        return worker;
      },
    };
  };
}

/** Waits until no request is queued and every provider batch has ended (been ingested). */
export async function waitForLaneSettled(db: Db, what: string, timeoutMs: number): Promise<void> {
  await waitFor(
    () =>
      queryRows<{ queued: number; open: number }>(
        db,
        sql`select (select count(*)::int from requests where status = 'queued') as queued,
              (select count(*)::int from provider_batches where state <> 'ended') as open`,
      ),
    (rows) => rows[0]!.queued === 0 && rows[0]!.open === 0,
    { what, timeoutMs },
  );
}
