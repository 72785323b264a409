import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";

/**
 * The provider's request id reaches attempts.provider_request_id for answered and failed calls, and
 * `x-should-retry: false` stops the retry the status alone would have earned (the fake provider
 * sends both headers, as the real APIs do).
 */
describe("provider request ids and x-should-retry, through the SDKs", () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline({
      // retriesPerModel 1: a plain 500 would be tried twice on gpt-5-mini.
      config: testConfig({ retriesPerModel: 1 }),
      scenario: { seed: 4, models: { "*": { latencyMs: 2 }, "gpt-5-mini": { errors: { "500": 1 }, shouldRetry: false } } },
    });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it("stores each call's request id; a 500 marked x-should-retry: false goes to the next model at once", async () => {
    const jobs = Array.from({ length: 3 }, (_, index) => ({
      id: `rid-${index}`,
      kind: "classify" as const,
      tier: "cheap",
      prompt: `Ticket ${index}: the invoice shows the wrong amount.`,
      labels: TICKET_LABELS,
    }));
    const { batchId } = await pipeline.producer.enqueueJobs(jobs, { batchName: "request-ids" });
    const status = await pipeline.waitForBatch(batchId);
    expect(status).toMatchObject({ jobs: 3, succeeded: 3 });
    const rows = await queryRows<{
      request_id: string;
      model: string;
      outcome: string;
      http_status: number | null;
      provider_request_id: string | null;
    }>(
      pipeline.testDb.database.db,
      sql`select a.request_id, a.model, a.outcome, a.http_status, a.provider_request_id
          from attempts a join requests r on r.id = a.request_id where r.batch_id = ${batchId} order by a.request_id, a.attempt_no`,
    );
    expect(rows).toHaveLength(6);
    for (const job of jobs) {
      const calls = rows.filter((row) => row.request_id === job.id);
      expect(calls.map((row) => [row.model, row.outcome, row.http_status])).toEqual([
        ["gpt-5-mini", "error", 500],
        ["claude-haiku-4-5", "ok", null],
      ]);
    }
    for (const row of rows) expect(row.provider_request_id).toMatch(/^req_fake\d{8}$/);
    expect(new Set(rows.map((row) => row.provider_request_id)).size).toBe(rows.length);
  });
});
