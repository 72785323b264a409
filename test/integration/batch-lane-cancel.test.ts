import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { runCli } from "../helpers/cli-process.js";
import { BATCH_HOUR_MS, useLaneRig, waitForLaneSettled } from "../helpers/lane-rig.js";
import { classifyJobs, fakeBilledItems, laneConfig } from "../helpers/batch-lane.js";
import { waitFor } from "../helpers/wait-for.js";

const JOBS = 24;

/**
 * `batch ID --cancel` with the batch's items at the provider: our open provider batch is cancelled
 * through the SDK, the workers ingest its partial results — the items answered before the cancel
 * are recorded (billed), the cut ones too (not billed) — every request ends cancelled, once.
 */
describe("batch lane: `batch ID --cancel`", () => {
  const startLaneRig = useLaneRig();

  it("cancels our open provider batch; its partial results are recorded (answered = billed), every request ends cancelled", async () => {
    const config = laneConfig({
      cheapModels: [{ provider: "openai", model: "gpt-5-mini", timeoutMs: 2000 }],
      lane: { maxItems: JOBS, maxWaitMs: 60_000 },
    });
    const rig = await startLaneRig({ seed: 51, models: { "*": { batchLatencyMs: BATCH_HOUR_MS } }, config });
    const { fake, pipeline, db, env } = rig;
    await rig.startWorker();
    const { batchId } = await pipeline.producer.enqueueJobs(classifyJobs(JOBS, "cancel", { deadline: "6h" }), { batchName: "to cancel" });
    await waitFor(
      () => queryRows<{ n: number }>(db, sql`select coalesce(sum(items), 0)::int as n from provider_batches where state = 'submitted'`),
      (rows) => rows[0]!.n === JOBS,
      { what: "the batch's items at the provider", timeoutMs: 60_000 },
    );
    // Half an hour on: about half the items are answered.
    rig.setClockAhead(BATCH_HOUR_MS / 2);

    const cancel = await runCli(["batch", batchId, "--cancel"], env);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain("provider batches: 1 cancelled");
    await waitForLaneSettled(db, "the cancelled provider batch to be ingested", 60_000);

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
