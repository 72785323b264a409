import { Queue } from "bullmq";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { tierQueueName } from "../../src/queue/queue-names.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";

const ticket = (id: string) => ({
  id,
  kind: "classify" as const,
  tier: "cheap",
  prompt: "I was charged twice for my subscription, please refund me.",
  labels: TICKET_LABELS,
});

interface AttemptRow {
  attempt_no: number;
  tier: string;
  model: string;
  outcome: string;
  error_type: string | null;
  http_status: number | null;
  cost_usd: string;
}

describe("escalation across tiers", () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline();
  });
  afterAll(() => pipeline?.close());
  beforeEach(() => pipeline.fake.resetStats());

  const attemptsOf = (id: string) =>
    queryRows<AttemptRow>(
      pipeline.testDb.database.db,
      sql`select attempt_no, tier, model, outcome, error_type, http_status, cost_usd::text
          from attempts where request_id = ${id} order by attempt_no`,
    );
  const requestRow = async (id: string) =>
    (await queryRows<Record<string, unknown>>(pipeline.testDb.database.db, sql`select * from requests where id = ${id}`))[0]!;

  it("moves on from a tier whose models all fail, recording every call", async () => {
    pipeline.fake.setScenario({
      seed: 1,
      models: { "gpt-5-mini": { errors: { "500": 1 } }, "claude-haiku-4-5": { errors: { "529": 1 } } },
    });
    const { batchId } = await pipeline.producer.enqueueJobs([ticket("esc-errors")], { batchName: "errors" });
    await pipeline.waitForBatch(batchId);

    const attempts = await attemptsOf("esc-errors");
    // retriesPerModel 1: two calls per cheap model, then the balanced tier's primary answers.
    expect(attempts.map((a) => [a.attempt_no, a.tier, a.model, a.outcome, a.http_status])).toEqual([
      [1, "cheap", "gpt-5-mini", "error", 500],
      [2, "cheap", "gpt-5-mini", "error", 500],
      [3, "cheap", "claude-haiku-4-5", "error", 529],
      [4, "cheap", "claude-haiku-4-5", "error", 529],
      [5, "balanced", "claude-sonnet-4-6", "ok", null],
    ]);
    expect(await requestRow("esc-errors")).toMatchObject({
      status: "succeeded",
      initial_tier: "cheap",
      final_tier: "balanced",
      final_model: "claude-sonnet-4-6",
      escalations: 1,
      attempt_count: 5,
    });
    expect(TICKET_LABELS).toContain((await requestRow("esc-errors")).result);
  });

  it("escalates an answer outside the label set, and bills the invalid answers", async () => {
    pipeline.fake.setScenario({ seed: 1, models: { "gpt-5-mini": { invalidRate: 1 }, "claude-haiku-4-5": { invalidRate: 1 } } });
    const { batchId } = await pipeline.producer.enqueueJobs([ticket("esc-invalid")], { batchName: "invalid" });
    await pipeline.waitForBatch(batchId);

    const attempts = await attemptsOf("esc-invalid");
    // A wrong answer is not retried on the same model.
    expect(attempts.map((a) => [a.tier, a.model, a.outcome])).toEqual([
      ["cheap", "gpt-5-mini", "invalid"],
      ["cheap", "claude-haiku-4-5", "invalid"],
      ["balanced", "claude-sonnet-4-6", "ok"],
    ]);
    expect(attempts.every((a) => Number(a.cost_usd) > 0)).toBe(true);
    expect(await requestRow("esc-invalid")).toMatchObject({ status: "succeeded", escalations: 1, final_tier: "balanced" });
  });

  it("fails the request when the top tier fails too, with every reason, and keeps it in the failed set", async () => {
    pipeline.fake.setScenario({ seed: 1, models: { "*": { errors: { "503": 1 } } } });
    const { batchId } = await pipeline.producer.enqueueJobs([ticket("esc-fail")], { batchName: "fail" });
    const status = await pipeline.waitForBatch(batchId);
    expect(status).toMatchObject({ succeeded: 0, failed: 1 });

    const attempts = await attemptsOf("esc-fail");
    expect(attempts).toHaveLength(12); // 3 tiers × 2 models × (1 call + 1 retry)
    expect(new Set(attempts.map((a) => a.tier))).toEqual(new Set(["cheap", "balanced", "premium"]));
    const row = await requestRow("esc-fail");
    expect(row).toMatchObject({ status: "failed", escalations: 2, final_tier: "premium", attempt_count: 12, cost_usd: "0.000000000000" });
    expect(String(row.error)).toMatch(/every tier failed/);
    expect(String(row.error)).toMatch(/gpt-5-mini/);
    expect(String(row.error)).toMatch(/claude-opus-4-7/);

    const premium = new Queue(tierQueueName("premium"), { connection: pipeline.runtime.redis(), prefix: pipeline.prefix });
    try {
      const failed = await premium.getFailed();
      expect(failed.map((job) => job.id)).toContain("esc-fail");
    } finally {
      await premium.close();
    }
  });

  it("runs a job pinned to a model only on that model, without escalating", async () => {
    pipeline.fake.setScenario({ seed: 1, models: { "claude-haiku-4-5": { errors: { "500": 1 } } } });
    const { batchId } = await pipeline.producer.enqueueJobs([{ ...ticket("pinned"), tier: undefined, model: "claude-haiku-4-5" }], {
      batchName: "pinned",
    });
    await pipeline.waitForBatch(batchId);
    const attempts = await attemptsOf("pinned");
    expect(attempts.map((a) => a.model)).toEqual(["claude-haiku-4-5", "claude-haiku-4-5"]);
    expect(await requestRow("pinned")).toMatchObject({ status: "failed", escalations: 0 });
  });
});
