import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { RepeatedContentError } from "../../src/produce/producer.js";
import { mixedJobs } from "../helpers/jobs.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";

describe("duplicates at enqueue", () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline({ scenario: { seed: 1, models: { "*": { latencyMs: 1 } } } });
  });
  afterAll(() => pipeline?.close());

  /** Issue 16 item 6: conflicting ids were skipped silently, all-duplicate files made empty batches, id-less files ran twice. */
  it("refuses the same id with a different job as a rejected line, in one call and across batches", async () => {
    const [a, b] = mixedJobs(2, "conflict");
    const first = await pipeline.producer.enqueueJobs([a, { ...a, prompt: `${a!.prompt} (edited)` }, b], { batchName: "conflict" });
    expect(first).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(first.rejected).toEqual([{ line: 2, reason: `id "${a!.id}" is also on line 1, with a different job` }]);
    const later = await pipeline.producer.enqueueJobs([{ ...b, prompt: "another prompt" }], { batchName: "conflict-later" });
    expect(later.rejected).toEqual([
      { line: 1, reason: `id "${b!.id}" is already used in batch ${first.batchId} for a different job: give this job a new id` },
    ]);
    expect(later.accepted).toBe(0);
  });

  it("makes no empty batch when every line was already queued, and names the batch that holds them", async () => {
    const jobs = mixedJobs(5, "all-dup");
    const first = await pipeline.producer.enqueueJobs(jobs, { batchName: "all-dup" });
    const again = await pipeline.producer.enqueueJobs([...jobs].reverse(), { batchName: "all-dup-again" });
    expect(again).toMatchObject({ accepted: 0, duplicates: 5, batchCreated: false, alreadyQueuedIn: [first.batchId] });
    const rows = await queryRows<{ id: string }>(pipeline.testDb.database.db, sql`select id from batches where id = ${again.batchId}`);
    expect(rows).toEqual([]);
  });

  it("refuses a submission whose content matches an earlier batch unless allowRepeat is given", async () => {
    const jobs = mixedJobs(3, "no-ids").map(({ id: _id, ...job }) => job);
    const first = await pipeline.producer.enqueueJobs(jobs, { batchName: "no-ids" });
    expect(first.accepted).toBe(3);
    const repeat = pipeline.producer.enqueueJobs(jobs, { batchName: "no-ids-again" });
    await expect(repeat).rejects.toBeInstanceOf(RepeatedContentError);
    await expect(repeat).rejects.toThrow(`already enqueued as batch ${first.batchId} ("no-ids"`);
    const allowed = await pipeline.producer.enqueueJobs(jobs, { batchName: "no-ids-again", allowRepeat: true });
    expect(allowed).toMatchObject({ accepted: 3, batchCreated: true });
    await pipeline.waitForBatch(first.batchId);
    await pipeline.waitForBatch(allowed.batchId);
  });
});
