import { describe, expect, it } from "vitest";
import { parseDeadline, resolveDeadlineAt } from "../../../src/jobs/deadline.js";
import { atBatchRate, batchShare } from "../../../src/pricing/batch-rate.js";
import { chooseLane } from "../../../src/tiers/lane-choice.js";
import { tierSettings } from "../../../src/tiers/tier-settings.js";
import { decideItemNext } from "../../../src/batch-lane/decide-item-next.js";
import { itemRecord } from "../../../src/batch-lane/item-record.js";
import { resultLine as openAiLine } from "../../../src/batch-lane/openai-batches.js";
import type { LaneItem } from "../../../src/tiers/batch-lane-hook.js";
import type { TierJob } from "../../../src/queue/job-payloads.js";
import { laneConfig } from "../../helpers/batch-lane.js";
import { inMemoryStage } from "../../helpers/in-memory-stage.js";
import { TICKET_LABELS } from "../../helpers/jobs.js";

const NOW = new Date("2026-11-01T00:00:00Z");

function tierJob(extra: Partial<TierJob> = {}, job: Partial<TierJob["job"]> = {}): TierJob {
  return {
    requestId: "r-1",
    batchId: "b-1",
    enqueuedAt: NOW.toISOString(),
    job: { kind: "classify", prompt: "I was charged twice", labels: TICKET_LABELS, deadline: "6h", ...job },
    route: { initialTier: "cheap", classifier: "heuristic", reason: "test", score: 0.1 },
    escalations: 0,
    attemptsSoFar: 0,
    waitedMs: 0,
    costSoFarPico: "0",
    history: [],
    deferrals: 0,
    budgetPauses: 0,
    ...extra,
  };
}

const settingsFor = (tier: string, config = laneConfig()) => tierSettings(inMemoryStage(config).live, tier);

describe("deadlines", () => {
  it.each([
    ["6h", 6 * 3_600_000],
    ["90s", 90_000],
    ["30m", 1_800_000],
    ["2d", 172_800_000],
    ["1.5h", 5_400_000],
  ])("reads %s as a duration", (text, ms) => {
    expect(parseDeadline(text)).toEqual({ kind: "duration", ms });
    expect(resolveDeadlineAt(text, NOW)!.getTime()).toBe(NOW.getTime() + ms);
  });
  it("reads an ISO timestamp as itself", () => {
    expect(resolveDeadlineAt("2026-11-02T12:00:00Z", NOW)!.toISOString()).toBe("2026-11-02T12:00:00.000Z");
  });
  it.each(["6", "tomorrow", "0h", "-1h", "2026-11-02", ""])("refuses %j", (text) => expect(parseDeadline(text)).toBeUndefined());
});

describe("batch rate", () => {
  it("is exactly half at the default share, on any whole cost", () => {
    for (const cost of [0n, 2n, 1_000_000n, 123_456_789_012n]) expect(atBatchRate(cost, 0.5) * 2n).toBe(cost);
  });
  it("takes a model's override before its provider's share", () => {
    const config = laneConfig();
    expect(batchShare(config, { provider: "openai" })).toBe(0.5);
    expect(batchShare(config, { provider: "openai", batchDiscount: 0.4 })).toBe(0.4);
    expect(atBatchRate(1_000n, 0.4)).toBe(400n);
  });
});

describe("chooseLane", () => {
  it("puts a job with room before its deadline in the lane of the tier's first model", () => {
    const choice = chooseLane(settingsFor("cheap"), tierJob(), NOW);
    expect(choice).toMatchObject({ kind: "lane", model: { model: "gpt-5-mini" } });
  });
  it("keeps jobs without a deadline, shadow jobs and realtimeOnly jobs real time", () => {
    expect(chooseLane(settingsFor("cheap"), tierJob({}, { deadline: undefined }), NOW).kind).toBe("realtime");
    expect(chooseLane(settingsFor("cheap"), tierJob({ realtimeOnly: true }), NOW).kind).toBe("realtime");
    expect(chooseLane(settingsFor("cheap"), tierJob({ shadowOf: { tier: "cheap", model: "m", answer: "a" } }), NOW).kind).toBe("realtime");
  });
  it("runs in real time when the deadline is closer than minRoomMs", () => {
    const choice = chooseLane(settingsFor("cheap"), tierJob({}, { deadline: "500ms" }), NOW);
    expect(choice).toMatchObject({ kind: "realtime", reason: expect.stringContaining("no room") });
  });
  it("skips models that opted out (batchApi: false) and models already tried", () => {
    const config = laneConfig({
      cheapModels: [
        { provider: "openai", model: "gpt-5-mini", batchApi: false },
        { provider: "anthropic", model: "claude-haiku-4-5" },
      ],
    });
    expect(chooseLane(settingsFor("cheap", config), tierJob(), NOW)).toMatchObject({ kind: "lane", model: { model: "claude-haiku-4-5" } });
    expect(chooseLane(settingsFor("cheap", config), tierJob({ batchTried: ["claude-haiku-4-5"] }), NOW).kind).toBe("realtime");
  });
  it("applies a feature's deadline rule from the tiers file", () => {
    const config = laneConfig();
    config.deadlines = { nightly: "12h" };
    const settings = settingsFor("cheap", config);
    expect(chooseLane(settings, tierJob({}, { deadline: undefined, feature: "nightly" }), NOW).kind).toBe("lane");
  });
});

describe("decideItemNext", () => {
  const item = (job: TierJob = tierJob(), model = "gpt-5-mini", tier = "cheap"): LaneItem => ({
    tier,
    provider: model.startsWith("gpt") ? "openai" : "anthropic",
    model,
    attemptId: "11111111-1111-4111-8111-111111111111",
    attemptNo: job.attemptsSoFar + 1,
    deadlineAt: new Date(NOW.getTime() + 6 * 3_600_000).toISOString(),
    heldAt: NOW.toISOString(),
    job,
  });
  const context = (rates = inMemoryStage(laneConfig()).live.priceBook.ratesFor("openai", "gpt-5-mini")) => ({
    submissionId: "sub-1",
    submittedAt: NOW,
    resultAt: new Date(NOW.getTime() + 60_000),
    rates,
    share: 0.5,
  });
  const answer = (text: string) =>
    openAiLine({
      custom_id: "x",
      response: {
        status_code: 200,
        body: { choices: [{ message: { content: text } }], usage: { prompt_tokens: 100, completion_tokens: 10 } },
      },
    });

  it("finishes on a valid answer, priced at the batch rate, latency from submission to result", () => {
    const call = itemRecord(item(), answer("billing"), context());
    expect(call.result).toBe("billing");
    expect(call.record).toMatchObject({ outcome: "ok", latencyMs: 60_000, batch: { providerBatchId: "sub-1" } });
    expect(call.record.cost * 2n).toBe(call.record.batch!.realtimeCost);
    expect(decideItemNext(settingsFor("cheap"), item(), call, NOW)).toEqual({ kind: "succeeded", result: "billing" });
  });
  it("moves an invalid answer to the tier's next model's lane, counting the attempt and its cost", () => {
    const call = itemRecord(item(), answer("not a label"), context());
    expect(call.record.outcome).toBe("invalid");
    const next = decideItemNext(settingsFor("cheap"), item(), call, NOW);
    expect(next).toMatchObject({
      kind: "next-lane",
      item: { model: "claude-haiku-4-5", attemptNo: 2, job: { batchTried: ["gpt-5-mini"] } },
    });
    if (next.kind === "next-lane") expect(next.item.job.costSoFarPico).toBe(call.record.cost.toString());
  });
  it("escalates an expired item when the tier has no model left", () => {
    const job = tierJob({ batchTried: ["gpt-5-mini"], attemptsSoFar: 1 });
    const call = itemRecord(item(job, "claude-haiku-4-5"), { customId: "x", kind: "expired" }, context());
    expect(call.record).toMatchObject({ outcome: "error", errorType: "batch_expired", cost: 0n });
    expect(decideItemNext(settingsFor("cheap"), item(job, "claude-haiku-4-5"), call, NOW)).toMatchObject({
      kind: "forward",
      tier: "premium",
      job: { escalations: 1, batchTried: [], realtimeOnly: false },
    });
  });
  it("goes on in real time in the same tier when the deadline leaves no room for another batch", () => {
    const call = itemRecord(
      item(),
      { customId: "x", kind: "error", errorType: "server_error", httpStatus: 500, message: "boom" },
      context(),
    );
    const late = new Date(NOW.getTime() + 6 * 3_600_000 - 500);
    expect(decideItemNext(settingsFor("cheap"), item(), call, late)).toMatchObject({
      kind: "forward",
      tier: "cheap",
      job: { realtimeOnly: true },
    });
  });
  it("fails at the top tier with no model left", () => {
    const job = tierJob({ batchTried: ["claude-opus-4-7"], attemptsSoFar: 3 });
    const top = item(job, "gpt-5.2", "premium");
    const call = itemRecord(top, { customId: "x", kind: "canceled" }, context());
    expect(decideItemNext(settingsFor("premium"), top, call, NOW)).toMatchObject({ kind: "failed" });
  });
  it("records an item with no result line as result_missing, costing nothing", () => {
    expect(itemRecord(item(), undefined, context()).record).toMatchObject({ outcome: "error", errorType: "result_missing", cost: 0n });
  });
});

describe("OpenAI result lines", () => {
  it("reads error-file lines: expired, cancelled, HTTP errors", () => {
    expect(openAiLine({ custom_id: "a", error: { code: "batch_expired", message: "" } })).toEqual({ customId: "a", kind: "expired" });
    expect(openAiLine({ custom_id: "a", error: { code: "batch_cancelled", message: "" } })).toEqual({ customId: "a", kind: "canceled" });
    expect(
      openAiLine({
        custom_id: "a",
        response: { status_code: 500, request_id: "req", body: { error: { type: "server_error", message: "x" } } },
      }),
    ).toEqual({ customId: "a", kind: "error", errorType: "server_error", httpStatus: 500, message: "x", providerRequestId: "req" });
  });
});
