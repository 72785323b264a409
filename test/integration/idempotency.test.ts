import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { mixedJobs } from "../helpers/jobs.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";

describe("enqueueing the same ids twice", () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline({ scenario: { seed: 1, models: { "*": { latencyMs: 1 } } } });
  });
  afterAll(() => pipeline?.close());

  it("makes one job per id, whether the repeat comes in the same call, while queued, or after finishing", async () => {
    const jobs = mixedJobs(30, "dup");
    const first = await pipeline.producer.enqueueJobs([...jobs, jobs[0], jobs[1]], { batchName: "dup" });
    expect(first).toMatchObject({ accepted: 30, duplicates: 2 });
    // Immediately again, while the first copies are still in flight.
    const second = await pipeline.producer.enqueueJobs(jobs, { batchName: "dup-again" });
    expect(second).toMatchObject({ accepted: 0, duplicates: 30 });

    await pipeline.waitForBatch(first.batchId);
    const third = await pipeline.producer.enqueueJobs(jobs, { batchName: "dup-after" });
    expect(third).toMatchObject({ accepted: 0, duplicates: 30 });

    const [counts] = await queryRows<{ requests: string; attempts: string }>(
      pipeline.testDb.database.db,
      sql`select (select count(*) from requests)::text as requests, (select count(*) from attempts)::text as attempts`,
    );
    expect(Number(counts!.requests)).toBe(30);
    // No errors in this scenario: one call per job means no job ran twice.
    expect(Number(counts!.attempts)).toBe(30);
    expect(pipeline.fake.stats().totalCalls).toBe(30);
  });

  it("reports bad lines by number and still queues the good ones", async () => {
    const report = await pipeline.producer.enqueue(
      [
        { line: 1, job: { id: "good-1", kind: "generate", prompt: "Write a haiku about queues." } },
        { line: 2, parseError: "not valid JSON: Unexpected token" },
        { line: 3, job: { id: "bad-labels", kind: "classify", prompt: "x", labels: ["a", "a"] } },
        { line: 4, job: { id: "bad-tier", kind: "generate", prompt: "x", tier: "platinum" } },
        { line: 5, job: { id: "good-2", kind: "generate", prompt: "Name three sorting algorithms." } },
      ],
      { batchName: "mixed-quality" },
    );
    expect(report.accepted).toBe(2);
    expect(report.rejected.map((rejection) => rejection.line)).toEqual([2, 3, 4]);
    expect(report.rejected[1]!.reason).toMatch(/duplicate label/);
    expect(report.rejected[2]!.reason).toMatch(/platinum/);
    const status = await pipeline.waitForBatch(report.batchId);
    expect(status).toMatchObject({ jobs: 2, succeeded: 2, rejectedAtEnqueue: 3 });
  });
});
