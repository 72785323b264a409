import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { ScenarioInput } from "../../src/fake-llm/index.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { pipelineEnv, startWorkerProcess } from "../helpers/chaos-workers.js";
import type { LongRunningCli } from "../helpers/cli-process.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";
import { classifyJobs, fakeBilledItems, laneConfig } from "../helpers/batch-lane.js";
import { waitFor } from "../helpers/wait-for.js";

const STAGES = ["intake", "cheap", "premium"];
const ENV = { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000" };

/** The ledger's view after a run: every request ended once, batch rows = the fake's billed items, no row twice. */
async function checkLedger(pipeline: TestPipeline, jobs: number) {
  const db = pipeline.testDb.database.db;
  const [summary] = await queryRows<{ ended: number; queued: number; billed: number; dup: number; stranded: number }>(
    db,
    sql`select
          (select count(*)::int from requests where status in ('succeeded', 'failed')) as ended,
          (select count(*)::int from requests where status = 'queued') as queued,
          (select count(*)::int from attempts where lane = 'batch' and outcome in ('ok', 'invalid')) as billed,
          (select count(*)::int from (select id from attempts group by id having count(*) > 1) d) as dup,
          -- a failed or invalid item that went nowhere: no later attempt, yet its request did not fail
          (select count(*)::int from attempts a join requests r on r.id = a.request_id
            where a.outcome <> 'ok' and r.status = 'succeeded'
              and not exists (select 1 from attempts b where b.request_id = a.request_id and b.attempt_no > a.attempt_no)) as stranded`,
  );
  expect(summary).toEqual({ ended: jobs, queued: 0, billed: await fakeBilledItems(pipeline.fake.url), dup: 0, stranded: 0 });
}

describe("batch lane under provider faults", () => {
  let pipeline: TestPipeline | undefined;
  let workers: LongRunningCli[] = [];
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
    await pipeline?.close();
    pipeline = undefined;
  });

  async function run(scenario: ScenarioInput, jobs: number, processes: number, lane: Record<string, unknown> = {}) {
    const config = laneConfig({ lane });
    pipeline = await startTestPipeline({ config, scenario, stages: [] });
    const configPath = await writeConfigFile(config);
    for (let index = 0; index < processes; index++) {
      const { worker } = await startWorkerProcess(STAGES, pipelineEnv(pipeline, configPath, ENV));
      workers.push(worker);
    }
    const { batchId } = await pipeline.producer.enqueueJobs(classifyJobs(jobs, "fault", { deadline: "6h" }), { batchName: "faults" });
    await waitFor(
      () => queryRows<{ n: number }>(pipeline!.testDb.database.db, sql`select count(*)::int as n from requests where status = 'queued'`),
      (rows) => rows[0]!.n === 0,
      { what: `batch ${batchId} to end`, timeoutMs: 90_000 },
    );
    const logs = workers.map((worker) => worker.output().stdout + worker.output().stderr).join("\n");
    return { pipeline, logs };
  }

  it("300 jobs, two worker processes, 5% item errors, 5% invalid answers, an expiring batch: every request ends once, failures go on", async () => {
    const { pipeline, logs } = await run(
      {
        seed: 21,
        models: {
          "*": { batchLatencyMs: 150, errors: { "500": 0.05 }, invalidRate: 0.05 },
          "claude-haiku-4-5": { batchLatencyMs: 150, errors: { "500": 0.05 }, invalidRate: 0.05, batchExpireRate: 1 },
        },
      },
      300,
      2,
    );
    await checkLedger(pipeline, 300);
    const db = pipeline.testDb.database.db;
    const outcomes = await queryRows<{ error_type: string | null; n: number }>(
      db,
      sql`select error_type, count(*)::int as n from attempts where lane = 'batch' and outcome <> 'ok' group by 1 order by 1`,
    );
    const types = outcomes.map((row) => row.error_type);
    expect(types).toContain("batch_expired");
    expect(types).toContain("invalid_output");
    expect(types.some((type) => type !== null && !["batch_expired", "invalid_output"].includes(type))).toBe(true);
    // Items moved on: to the tier's second model, and to the premium tier.
    const [moved] = await queryRows<{ second: number; premium: number }>(
      db,
      sql`select count(*) filter (where model = 'claude-haiku-4-5')::int as second, count(*) filter (where tier = 'premium')::int as premium
          from attempts where lane = 'batch'`,
    );
    expect(moved!.second).toBeGreaterThan(0);
    expect(moved!.premium).toBeGreaterThan(0);
    expect(logs).not.toContain('"level":50');
  });

  it("bad provider input — unknown custom_ids, a truncated results file, 5xx on create: a clear log line each, nothing lost", async () => {
    const { pipeline, logs } = await run(
      {
        seed: 22,
        models: {
          "*": { batchLatencyMs: 100 },
          "gpt-5-mini": { batchLatencyMs: 100, batchUnknownResults: 2, batchCreateErrors: { status: 503, first: 2 } },
          "claude-haiku-4-5": { batchLatencyMs: 100, batchTruncateResults: true },
        },
      },
      40,
      1,
    );
    await checkLedger(pipeline, 40);
    expect(logs).toContain("batch result for an unknown custom_id");
    expect(logs).toContain("provider batch create failed");
    expect(logs).toContain("HTTP 503");
  });

  it("a 5xx whose batch was created anyway (lost answer): found by its metadata, not sent twice", async () => {
    const { pipeline, logs } = await run(
      {
        seed: 23,
        models: {
          "*": { batchLatencyMs: 100 },
          "gpt-5-mini": { batchLatencyMs: 100, batchCreateErrors: { status: 502, first: 1, afterCreate: true } },
        },
      },
      20,
      1,
    );
    await checkLedger(pipeline, 20);
    expect(logs).toContain("found the provider batch of an interrupted submission");
    const stats = (await (await fetch(`${pipeline.fake.url}/stats`)).json()) as { models: Record<string, { batch?: { items: number } }> };
    expect(stats.models["gpt-5-mini"]!.batch!.items).toBe(20);
  });

  it("a batch that never ends: our own timeout cancels it, partial results are ingested, the rest goes on", async () => {
    const { pipeline, logs } = await run(
      { seed: 24, models: { "*": { batchLatencyMs: 100 }, "gpt-5-mini": { batchNeverEnds: true } } },
      20,
      1,
      { timeoutMs: 2_000 },
    );
    await checkLedger(pipeline, 20);
    expect(logs).toContain("did not end by its deadline or the lane's timeout");
    const [canceled] = await queryRows<{ n: number }>(
      pipeline.testDb.database.db,
      sql`select count(*)::int as n from attempts where model = 'gpt-5-mini' and error_type = 'batch_canceled'`,
    );
    expect(canceled!.n).toBeGreaterThan(0);
  });
});
