import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { createBatchControl, type BatchControl, type ResultRecord } from "../../src/index.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { EnqueueError } from "../../src/produce/producer.js";
import { INTAKE_QUEUE, tierQueueName } from "../../src/queue/queue-names.js";
import { STAGE_JOB_OPTIONS } from "../../src/queue/job-options.js";
import { resultLine, resultsHeader } from "../../src/report/render/results-format.js";
import { batchStatus } from "../../src/report/query/batch-status.js";
import { pendingJobs } from "../helpers/batch-settled.js";
import { mixedJobs, TICKET_LABELS } from "../helpers/jobs.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { waitFor } from "../helpers/wait-for.js";

const TIERS = ["cheap", "balanced", "premium"];
const QUEUES = [INTAKE_QUEUE, ...TIERS.map(tierQueueName)];

async function collect(control: BatchControl, batchId: string, options?: Parameters<BatchControl["results"]>[1]) {
  const records: ResultRecord[] = [];
  for await (const record of await control.results(batchId, options)) records.push(record);
  return records;
}

describe("batch control", () => {
  let pipeline: TestPipeline;
  let control: BatchControl;

  beforeAll(async () => {
    pipeline = await startTestPipeline({
      config: testConfig({ retriesPerModel: 0 }),
      scenario: { seed: 3, models: { "*": { latencyMs: 5 } } },
    });
    control = createBatchControl(pipeline.testDb.database, { connection: pipeline.runtime.redis(), prefix: pipeline.prefix, tiers: TIERS });
  }, 60_000);
  afterAll(async () => pipeline?.close());

  it("streams a batch's answers in enqueue order through the cursor, equal to the requests table", async () => {
    const jobs = mixedJobs(45, "res").map((job, index) => ({
      ...job,
      metadata: { line: index, note: index === 0 ? '=HYPERLINK("x")' : "ok" },
    }));
    const { batchId } = await pipeline.producer.enqueueJobs(jobs, { batchName: "results" });
    await pipeline.waitForBatch(batchId);
    // A page size smaller than the batch: several FETCHes, one stream.
    const records = await collect(control, batchId, { pageSize: 7 });
    const rows = await queryRows<{ id: string; cost: string; result: string | null; status: string }>(
      pipeline.testDb.database.db,
      sql`select id, trim_scale(cost_usd)::text as cost, result, status from requests where batch_id = ${batchId} order by seq`,
    );
    expect(records.map((record) => record.id)).toEqual(jobs.map((job) => job.id));
    expect(records.map((record) => [record.id, record.cost_usd, record.status])).toEqual(rows.map((row) => [row.id, row.cost, row.status]));
    expect(records[0]!.metadata).toEqual({ line: 0, note: '=HYPERLINK("x")' });
    const classify = records.find((record) => record.kind === "classify" && record.status === "succeeded")!;
    expect(TICKET_LABELS).toContain(classify.result);
    const extract = records.find((record) => record.kind === "extract" && record.status === "succeeded");
    if (extract) expect(typeof extract.result).toBe("object");
    expect(await collect(control, batchId, { status: "cancelled" })).toEqual([]);

    const csv = resultsHeader("csv") + records.map((record) => resultLine(record, "csv")).join("");
    expect(csv.split("\n")[0]).toBe(
      "id,status,result,error,kind,feature,metadata,initial_tier,final_tier,final_model,escalations,cost_usd",
    );
    // The formula in metadata is defused: a spreadsheet sees text, not =HYPERLINK.
    expect(csv.split("\n")[1]).toContain(`"{""line"":0,""note"":""=HYPERLINK(\\""x\\"")""}"`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);

    await expect(control.results("no-such-batch")).rejects.toThrow(/no batch with id no-such-batch/);
    const listed = await control.list({ limit: 5 });
    expect(listed.find((batch) => batch.id === batchId)).toMatchObject({
      jobs: 45,
      succeeded: rows.filter((r) => r.status === "succeeded").length,
    });
  }, 60_000);

  it("retries the failures of a pinned model: same ids, attempt numbers go on, costs add up", async () => {
    pipeline.fake.setScenario({ seed: 5, models: { "*": { latencyMs: 2 }, "gpt-5-mini": { latencyMs: 2, errors: { "500": 0.5 } } } });
    const jobs = mixedJobs(30, "pin").map((job) => ({ ...job, model: "gpt-5-mini" }));
    const { batchId } = await pipeline.producer.enqueueJobs(jobs, { batchName: "pinned" });
    const first = await pipeline.waitForBatch(batchId);
    expect(first.failed).toBeGreaterThan(0);
    expect(first.failureReasons[0]!.reason).toMatch(/^pinned model gpt-5-mini gave no valid answer: gpt-5-mini: /);
    expect(first.failureReasons.reduce((sum, reason) => sum + reason.requests, 0)).toBe(first.failed);
    const db = pipeline.testDb.database.db;
    const before = await queryRows<{ id: string; attempts: number; cost: string }>(
      db,
      sql`select id, attempt_count as attempts, cost_usd::text as cost from requests where batch_id = ${batchId} and status = 'failed'`,
    );

    pipeline.fake.setScenario({ seed: 5, models: { "*": { latencyMs: 2 } } });
    const retried = await control.retryFailed(batchId);
    expect(retried).toMatchObject({ retried: first.failed, missing: [] });
    const after = await pipeline.waitForBatch(batchId);
    expect(after).toMatchObject({ succeeded: 30, failed: 0 });

    const ids = before.map((row) => row.id);
    const numbering = await queryRows<{ request_id: string; numbers: number[]; sum: string; cost: string; attempt_count: number }>(
      db,
      sql`select a.request_id, array_agg(a.attempt_no order by a.attempt_no) as numbers, sum(a.cost_usd)::text as sum,
            r.cost_usd::text as cost, r.attempt_count
          from attempts a join requests r on r.id = a.request_id
          where a.request_id in (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )}) group by a.request_id, r.cost_usd, r.attempt_count`,
    );
    expect(numbering).toHaveLength(ids.length);
    for (const row of numbering) {
      const old = before.find((candidate) => candidate.id === row.request_id)!;
      // 1..n with no gap and no repeat: the new run numbered its calls after the old ones.
      expect(row.numbers).toEqual(row.numbers.map((_, index) => index + 1));
      expect(row.numbers.length).toBeGreaterThan(old.attempts);
      expect(row.attempt_count).toBe(row.numbers.length);
      expect(row.cost).toBe(row.sum);
    }
    // Retrying a batch with nothing failed is a no-op.
    expect(await control.retryFailed(batchId)).toMatchObject({ retried: 0 });
  }, 90_000);

  it("cancels a running batch: nothing of it left in any queue, every request ended, every call recorded; it stays cancelled", async () => {
    pipeline.fake.setScenario({ seed: 7, models: { "*": { latencyMs: 60 } } });
    const callsBefore = pipeline.fake.stats().totalCalls;
    const jobs = mixedJobs(200, "can");
    const { batchId } = await pipeline.producer.enqueueJobs(jobs, { batchName: "to cancel" });
    const db = pipeline.testDb.database.db;
    await waitFor(
      () => batchStatus(db, batchId),
      (status) => status.finished >= 10,
      { what: "some jobs to finish" },
    );
    const report = await control.cancel(batchId);
    expect(report.newlyCancelled).toBe(true);
    expect(report.cancelledRequests).toBeGreaterThan(0);
    const status = await waitFor(
      () => batchStatus(db, batchId),
      (current) => current.done,
      { what: "running jobs of the cancelled batch to end" },
    );
    expect(status.succeeded + status.failed + status.cancelled).toBe(200);
    expect(status.cancelled).toBeGreaterThan(0);
    expect(status.cancelledAt).not.toBeNull();
    expect(await pendingJobs(pipeline.runtime.redis(), pipeline.prefix, QUEUES)).toEqual(Object.fromEntries(QUEUES.map((q) => [q, 0])));
    await pipeline.worker!.stop();
    const [{ attempts }] = (await queryRows<{ attempts: string }>(
      db,
      sql`select count(*)::text as attempts from attempts a join requests r on r.id = a.request_id where r.batch_id = ${batchId}`,
    )) as [{ attempts: string }];
    expect(Number(attempts)).toBe(pipeline.fake.stats().totalCalls - callsBefore);
    // A call that was running at the cancel finished and its answer counts: no answered request is "cancelled".
    const [{ answeredButCancelled }] = (await queryRows<{ answeredButCancelled: string }>(
      db,
      sql`select count(*)::text as "answeredButCancelled" from requests r where r.batch_id = ${batchId} and r.status = 'cancelled'
          and exists (select 1 from attempts a where a.request_id = r.id and a.outcome = 'ok')`,
    )) as [{ answeredButCancelled: string }];
    expect(answeredButCancelled).toBe("0");
    // A missing job is not counted as taken out (BullMQ's remove answers 1 for it): at most the job
    // and, mid hand-over, the earlier stage's finished one per request.
    expect(report.removedJobs).toBeGreaterThanOrEqual(report.cancelledRequests);
    expect(report.removedJobs).toBeLessThanOrEqual(2 * report.cancelledRequests);

    // Idempotent, and it stays cancelled: a producer is refused, a job already on its way is skipped.
    expect(await control.cancel(batchId)).toMatchObject({ newlyCancelled: false, cancelledRequests: 0 });
    await expect(pipeline.producer.enqueueJobs(mixedJobs(2, "late"), { batchName: "to cancel", batchId })).rejects.toThrow(EnqueueError);
    await expect(control.retryFailed(batchId)).rejects.toThrow(/stays cancelled/);
  }, 90_000);
});

describe("a job of a cancelled batch that slipped past the sweep", () => {
  it("ends as cancelled at intake without any call", async () => {
    const pipeline = await startTestPipeline();
    try {
      const control = createBatchControl(pipeline.testDb.database, {
        connection: pipeline.runtime.redis(),
        prefix: pipeline.prefix,
        tiers: TIERS,
      });
      const { batchId } = await pipeline.producer.enqueueJobs(mixedJobs(1, "one"), { batchName: "one" });
      await pipeline.waitForBatch(batchId);
      await control.cancel(batchId);
      // As a producer racing the cancel would: the row, then the job.
      const db = pipeline.testDb.database.db;
      await db.execute(sql`insert into requests (id, batch_id, kind) values ('slipped', ${batchId}, 'classify')`);
      const intake = new Queue(INTAKE_QUEUE, { connection: pipeline.runtime.redis(), prefix: pipeline.prefix });
      const calls = pipeline.fake.stats().totalCalls;
      await intake.add(
        "classify",
        { requestId: "slipped", batchId, job: mixedJobs(1, "x")[0]!, enqueuedAt: new Date().toISOString() },
        { ...STAGE_JOB_OPTIONS, jobId: "slipped" },
      );
      await intake.close();
      await waitFor(
        () => queryRows<{ status: string }>(db, sql`select status from requests where id = 'slipped'`),
        (rows) => rows[0]?.status !== "queued",
        { what: "the slipped job to end" },
      );
      expect((await queryRows<{ status: string }>(db, sql`select status from requests where id = 'slipped'`))[0]!.status).toBe("cancelled");
      expect(pipeline.fake.stats().totalCalls).toBe(calls);
    } finally {
      await pipeline.close();
    }
  }, 60_000);
});
