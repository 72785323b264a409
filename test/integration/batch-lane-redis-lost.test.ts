import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { runCli } from "../helpers/cli-process.js";
import { BATCH_HOUR_MS, useLaneRig } from "../helpers/lane-rig.js";
import { startOwnRedis } from "../helpers/own-redis.js";
import { classifyJobs, fakeBilledItems, laneConfig } from "../helpers/batch-lane.js";
import { waitFor } from "../helpers/wait-for.js";

const JOBS = 30;

/**
 * Redis loses everything (FLUSHALL of a redis-server of the test's own) while a provider batch is
 * open: the items of the submission are in Postgres, so `recover` feeds none of its requests again,
 * and once the batch ends the worker restores them and ingests every result.
 */
describe("batch lane: Redis lost while a provider batch is open", () => {
  const startLaneRig = useLaneRig();

  it("FLUSHALL, then the batch ends: every request ends once, one attempt row per billed item, nothing run twice", async () => {
    await run({ "*": { batchLatencyMs: BATCH_HOUR_MS } }, "submitted");
  });

  it("FLUSHALL while a create's answer was lost (row still submitting): reconciliation restores the items and adopts the batch", async () => {
    // The create reaches the provider but answers 503: the row stays `submitting` until reconciliation
    // (5 s later at the earliest) finds the batch by its metadata — after the flush.
    await run(
      {
        "*": { batchLatencyMs: BATCH_HOUR_MS },
        "gpt-5-mini": { batchLatencyMs: BATCH_HOUR_MS, batchCreateErrors: { status: 503, first: 1, afterCreate: true } },
      },
      "submitting",
    );
  });

  async function run(models: Record<string, Record<string, unknown>>, flushAt: "submitted" | "submitting") {
    const redis = await startOwnRedis();
    const rig = await startLaneRig({
      seed: 31,
      models,
      config: laneConfig(),
      redis,
      env: { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000" },
    });
    const { fake, pipeline, db, env } = rig;
    await rig.startWorker();
    await pipeline.producer.enqueueJobs(classifyJobs(JOBS, "lost", { deadline: "6h" }), { batchName: "redis-lost" });
    await waitFor(
      () =>
        queryRows<{ n: number }>(
          db,
          flushAt === "submitted"
            ? sql`select coalesce(sum(items), 0)::int as n from provider_batches where state = 'submitted'`
            : sql`select coalesce(sum(items), 0)::int as n from provider_batches where state = 'submitting' and create_failures > 0`,
        ),
      (rows) => rows[0]!.n === JOBS,
      { what: `every job in a ${flushAt} provider batch`, timeoutMs: 60_000 },
    );

    await redis.flush();
    // Nothing of the lane is left in Redis, yet no request is lost to recovery: Postgres has the items.
    const recover = await runCli(["recover", "--older-than", "0s"], env);
    expect(recover.code).toBe(0);
    expect(recover.stdout).toContain("none was missing from Redis");

    // The provider batches end; the worker's poller restores the items from Postgres and ingests.
    rig.setClockAhead(2 * BATCH_HOUR_MS);
    await waitFor(
      () => queryRows<{ n: number }>(db, sql`select count(*)::int as n from requests where status = 'queued'`),
      (rows) => rows[0]!.n === 0,
      { what: "every request to end", timeoutMs: 90_000 },
    );
    const [summary] = await queryRows<{ succeeded: number; dup: number; batch_rows: number; billed_rows: number; oks: number }>(
      db,
      sql`select
            (select count(*)::int from requests where status = 'succeeded') as succeeded,
            (select count(*)::int from (select id from attempts group by id having count(*) > 1) d) as dup,
            (select count(*)::int from attempts where lane = 'batch') as batch_rows,
            (select count(*)::int from attempts where lane = 'batch' and outcome in ('ok', 'invalid')) as billed_rows,
            (select count(*)::int from (select request_id from attempts where outcome = 'ok' group by 1 having count(*) <> 1) x) as oks`,
    );
    expect(summary).toEqual({ succeeded: JOBS, dup: 0, batch_rows: JOBS, billed_rows: await fakeBilledItems(fake.url), oks: 0 });
    // Nothing was sent twice: the provider saw one item per attempt row, and no real-time call.
    const stats = fake.stats();
    const submitted = Object.values(stats.models).reduce((sum, model) => sum + (model.batch?.items ?? 0), 0);
    expect(submitted).toBe(summary!.batch_rows);
    expect(stats.totalCalls).toBe(0);
    const logs = rig.workers.map((worker) => worker.output().stdout + worker.output().stderr).join("\n");
    expect(logs).toContain("restored them from Postgres");
    expect(logs).not.toContain("batch result for an unknown custom_id");
    if (flushAt === "submitting") expect(logs).toContain("found the provider batch of an interrupted submission");
  }
});
