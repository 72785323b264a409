import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../../src/fake-llm/index.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { pipelineEnv, startWorkerProcess } from "../helpers/chaos-workers.js";
import { runCli, type LongRunningCli } from "../helpers/cli-process.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";
import { classifyJobs, fakeBilledItems, laneConfig } from "../helpers/batch-lane.js";
import { waitFor } from "../helpers/wait-for.js";

const STAGES = ["intake", "cheap", "premium"];
const JOBS = 24;
/** The fake's batches take an hour of its clock: they move on only when the test moves that clock. */
const BATCH_HOUR_MS = 3_600_000;

/**
 * `batch ID --cancel` with the batch's items at the provider: our open provider batch is cancelled
 * through the SDK, the workers ingest its partial results — the items answered before the cancel
 * are recorded (billed), the cut ones too (not billed) — every request ends cancelled, once.
 */
describe("batch lane: `batch ID --cancel`", () => {
  let pipeline: TestPipeline | undefined;
  let fake: FakeLlm | undefined;
  let workers: LongRunningCli[] = [];
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
    await pipeline?.close();
    await fake?.close();
    pipeline = undefined;
    fake = undefined;
  });

  it("cancels our open provider batch; its partial results are recorded (answered = billed), every request ends cancelled", async () => {
    let clockOffsetMs = 0;
    fake = await startFakeLlm({
      port: 0,
      now: () => Date.now() + clockOffsetMs,
      scenario: { seed: 51, models: { "*": { batchLatencyMs: BATCH_HOUR_MS } } },
    });
    const config = laneConfig({
      cheapModels: [{ provider: "openai", model: "gpt-5-mini", timeoutMs: 2000 }],
      lane: { maxItems: JOBS, maxWaitMs: 60_000 },
    });
    pipeline = await startTestPipeline({ config, stages: [] });
    const configPath = await writeConfigFile(config);
    const env = pipelineEnv(pipeline, configPath, { OPENAI_BASE_URL: `${fake.url}/v1`, ANTHROPIC_BASE_URL: fake.url });
    workers.push((await startWorkerProcess(STAGES, env)).worker);
    const db = pipeline.testDb.database.db;
    const { batchId } = await pipeline.producer.enqueueJobs(classifyJobs(JOBS, "cancel", { deadline: "6h" }), { batchName: "to cancel" });
    await waitFor(
      () => queryRows<{ n: number }>(db, sql`select coalesce(sum(items), 0)::int as n from provider_batches where state = 'submitted'`),
      (rows) => rows[0]!.n === JOBS,
      { what: "the batch's items at the provider", timeoutMs: 60_000 },
    );
    // Half an hour on: about half the items are answered.
    clockOffsetMs = BATCH_HOUR_MS / 2;

    const cancel = await runCli(["batch", batchId, "--cancel"], env);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain("provider batches: 1 cancelled");
    await waitFor(
      () =>
        queryRows<{ queued: number; open: number }>(
          db,
          sql`select (select count(*)::int from requests where status = 'queued') as queued,
                (select count(*)::int from provider_batches where state <> 'ended') as open`,
        ),
      (rows) => rows[0]!.queued === 0 && rows[0]!.open === 0,
      { what: "the cancelled provider batch to be ingested", timeoutMs: 60_000 },
    );

    // The batch is cancelled: every request of it ends cancelled, answered or not.
    const statuses = await queryRows<{ status: string; n: number }>(db, sql`select status, count(*)::int as n from requests group by 1`);
    expect(statuses).toEqual([{ status: "cancelled", n: JOBS }]);
    const [rows] = await queryRows<{ ok: number; canceled: number; batch_rows: number; dup: number }>(
      db,
      sql`select count(*) filter (where outcome = 'ok')::int as ok,
            count(*) filter (where error_type = 'batch_canceled')::int as canceled,
            count(*)::int as batch_rows,
            (select count(*)::int from (select id from attempts group by id having count(*) > 1) d) as dup
          from attempts where lane = 'batch'`,
    );
    // One row per item: the answered ones (billed before the cancel took hold), the cut ones (not billed).
    expect(rows!.ok).toBeGreaterThan(0);
    expect(rows!.canceled).toBeGreaterThan(0);
    expect(rows).toEqual({ ok: rows!.ok, canceled: JOBS - rows!.ok, batch_rows: JOBS, dup: 0 });
    expect(rows!.ok).toBe(await fakeBilledItems(fake.url));
    const stats = fake.stats();
    expect(Object.values(stats.models).reduce((sum, model) => sum + (model.batch?.items ?? 0), 0)).toBe(JOBS);
    expect(stats.totalCalls).toBe(0);
  });
});
