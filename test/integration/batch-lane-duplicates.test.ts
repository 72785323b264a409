import Anthropic from "@anthropic-ai/sdk";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import type { LaneItem } from "../../src/tiers/batch-lane-hook.js";
import { anthropicRequest } from "../helpers/fake-llm/batches.js";
import { BATCH_HOUR_MS, useLaneRig, waitForLaneSettled } from "../helpers/lane-rig.js";
import { classifyJobs, fakeBilledItems, laneConfig } from "../helpers/batch-lane.js";
import { waitFor } from "../helpers/wait-for.js";

const JOBS = 20;
const MODEL = "claude-haiku-4-5";

/**
 * Anthropic batches carry no metadata. A crash between create and recording the id, with a create
 * made twice (the first one's answer lost), leaves two provider batches holding the same items:
 * reconciliation keeps one, cancels the other, and accounts for what the provider billed for it —
 * never as a second ending of a request.
 */
describe("batch lane: a duplicate provider batch (Anthropic)", () => {
  const startLaneRig = useLaneRig();

  it("two batches match one submission: one adopted, the other cancelled, its billed items recorded as duplicate_submission", async () => {
    // One submission of exactly JOBS items.
    const config = laneConfig({
      cheapModels: [{ provider: "anthropic", model: MODEL, timeoutMs: 2000 }],
      lane: { maxItems: JOBS, maxWaitMs: 60_000 },
    });
    const rig = await startLaneRig({
      seed: 41,
      models: { "*": { batchLatencyMs: BATCH_HOUR_MS } },
      config,
      env: { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000" },
    });
    const { fake, pipeline, db } = rig;
    const first = await rig.startWorker();
    await pipeline.producer.enqueueJobs(classifyJobs(JOBS, "dup", { deadline: "6h" }), { batchName: "duplicates" });
    const [submission] = await waitFor(
      () =>
        queryRows<{ id: string; provider_batch_id: string }>(
          db,
          sql`select id, provider_batch_id from provider_batches where state = 'submitted'`,
        ),
      (rows) => rows.length === 1,
      { what: "the submission to reach the provider", timeoutMs: 60_000 },
    );
    await first.stop();

    // The crash, replayed: the same items were created a second time (the create made again after
    // its answer was lost) and the row never learnt either id.
    const items = await queryRows<{ item: LaneItem }>(
      db,
      sql`select item from provider_batch_items where submission_id = ${submission!.id}`,
    );
    const anthropic = new Anthropic({ apiKey: "test", baseURL: fake.url, maxRetries: 0 });
    const second = await anthropic.messages.batches.create({
      requests: items.map(({ item }) => anthropicRequest(item.attemptId, MODEL, (item.job.job as { prompt: string }).prompt)),
    });
    await db.execute(
      sql`update provider_batches set state = 'submitting', provider_batch_id = null, submitted_at = null where id = ${submission!.id}`,
    );
    // Half an hour on: both batches have answered part of their items.
    rig.setClockAhead(BATCH_HOUR_MS / 2);

    await rig.startWorker();
    await waitFor(
      () =>
        queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from provider_batches where duplicate_of is not null and cancel_requested_at is not null`,
        ),
      (rows) => rows[0]!.n === 1,
      { what: "the duplicate to be recorded and cancelled", timeoutMs: 60_000 },
    );
    rig.setClockAhead(2 * BATCH_HOUR_MS);
    await waitForLaneSettled(db, "every request to end and both provider batches to be ingested", 90_000);

    const rows = await queryRows<{ provider_batch_id: string; duplicate_of: string | null }>(
      db,
      sql`select provider_batch_id, duplicate_of from provider_batches order by duplicate_of nulls first`,
    );
    expect(rows).toEqual([
      { provider_batch_id: submission!.provider_batch_id, duplicate_of: null },
      { provider_batch_id: second.id, duplicate_of: submission!.id },
    ]);
    const duplicate = await anthropic.messages.batches.retrieve(second.id);
    expect(duplicate.request_counts.canceled).toBeGreaterThan(0);
    const billedInDuplicate = duplicate.request_counts.succeeded;
    expect(billedInDuplicate).toBeGreaterThan(0);

    const [summary] = await queryRows<{ succeeded: number; oks: number; answers: number; duplicates: number; dup_cost_positive: boolean }>(
      db,
      sql`select
            (select count(*)::int from requests where status = 'succeeded') as succeeded,
            (select count(*)::int from (select request_id from attempts where outcome = 'ok' group by 1 having count(*) = 1) x) as oks,
            (select count(*)::int from attempts where outcome in ('ok', 'invalid')) as answers,
            (select count(*)::int from attempts where error_type = 'duplicate_submission') as duplicates,
            (select bool_and(cost_usd > 0) from attempts where error_type = 'duplicate_submission') as dup_cost_positive`,
    );
    // Each request ended once, by its submission's result; the duplicate's billed items are on record too.
    expect(summary).toEqual({ succeeded: JOBS, oks: JOBS, answers: JOBS, duplicates: billedInDuplicate, dup_cost_positive: true });
    expect(summary!.answers + summary!.duplicates).toBe(await fakeBilledItems(fake.url));
    const logs = rig.workers.map((worker) => worker.output().stdout + worker.output().stderr).join("\n");
    expect(logs).toContain("a duplicate provider batch of this submission: cancelled");
    expect(logs).toContain("duplicate provider batch ingested");
  });
});
