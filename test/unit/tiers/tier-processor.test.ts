import { describe, expect, it } from "vitest";
import { journalRunId } from "../../../src/guards/request-journal.js";
import { SlotWaitAbortedError, type ProviderSlots } from "../../../src/guards/provider-slots.js";
import type { RequestOutcome } from "../../../src/ledger/records.js";
import type { TierJobInput } from "../../../src/queue/job-payloads.js";
import { createTierProcessor } from "../../../src/tiers/tier-processor.js";
import { TICKET_LABELS } from "../../helpers/jobs.js";
import { aborted, answer, badRequest, http429, http500, inMemoryStage, type ScriptedStep } from "../../helpers/in-memory-stage.js";
import { testConfig } from "../../helpers/pipeline.js";

const CONFIG = testConfig({ maxDeferrals: 2 });

function tierJob(id: string, overrides: Partial<TierJobInput> = {}, job: Partial<TierJobInput["job"]> = {}): TierJobInput {
  return {
    requestId: id,
    batchId: "b1",
    enqueuedAt: "2026-11-01T00:00:00Z",
    job: { kind: "classify", prompt: "I was charged twice, please refund me.", labels: TICKET_LABELS, ...job },
    route: { initialTier: "cheap", classifier: "heuristic", reason: "test", score: 0.1 },
    escalations: 0,
    attemptsSoFar: 0,
    costSoFarPico: "0",
    history: [],
    ...overrides,
  };
}

/** Falls back whatever the price: the tests of the busy path that predate the fallback-cost policy. */
const ALWAYS_FALL_BACK = testConfig({ maxDeferrals: 2, fallback: { maxCostRatioWhileCooling: 1000 } });

function setUp(scripts: Record<string, ScriptedStep[]>, tier = "cheap", config = CONFIG) {
  const stage = inMemoryStage(config, scripts);
  const process = createTierProcessor(tier, stage.deps);
  const run = async (job: TierJobInput, firstRun = true) => {
    stage.deps.ledger.addRequests([job.requestId]);
    return process(job, job.requestId, firstRun);
  };
  const attempts = (id: string) =>
    stage.deps.ledger
      .attempts()
      .filter((a) => a.requestId === id)
      .map((a) => [a.attemptNo, a.tier, a.model, a.outcome, a.httpStatus]);
  return { ...stage, process, run, attempts, outcome: (id: string) => stage.deps.ledger.request(id) as RequestOutcome };
}

describe("tier processor (in-memory ledger, journal, gate and scripted providers)", () => {
  it("answers with the first model, writes its attempt and the request's ending, and reads the config once", async () => {
    const t = setUp({ "gpt-5-mini": [answer("billing")] });
    expect(await t.run(tierJob("r1"))).toEqual({ status: "succeeded", model: "gpt-5-mini" });
    expect(t.attempts("r1")).toEqual([[1, "cheap", "gpt-5-mini", "ok", undefined]]);
    const outcome = t.outcome("r1");
    expect(outcome).toMatchObject({
      status: "succeeded",
      result: "billing",
      finalTier: "cheap",
      finalModel: "gpt-5-mini",
      attemptCount: 1,
    });
    expect(outcome.cost).toBeGreaterThan(0n);
    // The baseline prices the same tokens on the top tier's first model: dearer than what was paid.
    expect(outcome.baselineCost).toBeGreaterThan(outcome.cost);
    expect(t.liveReads()).toBe(1);
  });

  it("retries a 500 once per model with back-off, then falls back to the next model of the tier", async () => {
    const t = setUp({ "gpt-5-mini": [http500], "claude-haiku-4-5": [answer("bug")] });
    expect(await t.run(tierJob("r2"))).toEqual({ status: "succeeded", model: "claude-haiku-4-5" });
    expect(t.attempts("r2")).toEqual([
      [1, "cheap", "gpt-5-mini", "error", 500],
      [2, "cheap", "gpt-5-mini", "error", 500],
      [3, "cheap", "claude-haiku-4-5", "ok", undefined],
    ]);
    // Full jitter at random 0.5 under the ceiling: min(maxRetryDelayMs 50, base 250) / 2.
    expect(t.sleeps).toEqual([25]);
  });

  it("escalates a tier whose models fail, carrying attempts, cost and reasons; the request stays open", async () => {
    const t = setUp({ "gpt-5-mini": [answer("not a label")], "claude-haiku-4-5": [http500] });
    expect(await t.run(tierJob("r3"))).toEqual({ status: "escalated", to: "balanced" });
    expect(t.forwarded).toHaveLength(1);
    const { tier, job } = t.forwarded[0]!;
    expect(tier).toBe("balanced");
    expect(job).toMatchObject({ escalations: 1, attemptsSoFar: 3, deferrals: 0 });
    expect(BigInt(job.costSoFarPico)).toBeGreaterThan(0n); // the invalid answer was billed
    expect(job.history).toHaveLength(3);
    expect(job.history[0]).toMatch(/^gpt-5-mini: /);
    expect(t.attempts("r3").map((a) => a[3])).toEqual(["invalid", "error", "error"]);
    expect(t.outcome("r3")).toEqual({ status: "queued" });
    const counted = (await t.deps.metrics.escalations.get()).values;
    expect(counted).toMatchObject([{ labels: { from: "cheap", to: "balanced" }, value: 1 }]);
  });

  it("fails at the top tier with every reason, lower tiers' history included", async () => {
    const t = setUp({ "claude-opus-4-7": [badRequest], "gpt-5.2": [badRequest] }, "premium");
    const ending = await t.run(tierJob("r4", { escalations: 2, attemptsSoFar: 4, history: ["gpt-5-mini: 500 from gpt-5-mini"] }));
    expect(ending.status).toBe("failed");
    const outcome = t.outcome("r4");
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toBe(
      "every tier failed (top tier premium): gpt-5-mini: 500 from gpt-5-mini; claude-opus-4-7: 400 from claude-opus-4-7; gpt-5.2: 400 from gpt-5.2",
    );
    expect(outcome.attemptCount).toBe(6);
    expect(t.attempts("r4").map((a) => a[0])).toEqual([5, 6]);
  });

  it("defers when every model only answered 429, and the gate keeps them cooling for the next job", async () => {
    const t = setUp({ "gpt-5-mini": [http429(800)], "claude-haiku-4-5": [http429(300)] }, "cheap", ALWAYS_FALL_BACK);
    const ending = await t.run(tierJob("r5"));
    expect(ending).toMatchObject({ status: "deferred", delayMs: 300 });
    if (ending.status !== "deferred") throw new Error("unreachable");
    expect(ending.job).toMatchObject({ deferrals: 1, attemptsSoFar: 2 });
    expect(t.attempts("r5").map((a) => a[4])).toEqual([429, 429]);
    // The next job makes no call at all: both models are cooling down.
    expect(await t.run(tierJob("r5b"))).toMatchObject({ status: "deferred" });
    expect(t.providers.calls).toHaveLength(2);
    expect(await t.deps.gate.inspect(CONFIG.tiers[0]!.models[0]!)).toMatchObject({ coolingDownMs: 800 });
  });

  it("while the primary only cools down, does not fall back to a model dearer than maxCostRatioWhileCooling: the job waits", async () => {
    // claude-haiku-4-5 costs 4× gpt-5-mini's input and 2.5× its output: over the default ratio 2.
    const t = setUp({ "gpt-5-mini": [http429(800)], "claude-haiku-4-5": [answer("billing")] });
    const ending = await t.run(tierJob("r5c"));
    expect(ending).toMatchObject({ status: "deferred", delayMs: 800 });
    expect(t.providers.callsTo("claude-haiku-4-5")).toBe(0);
    if (ending.status !== "deferred") throw new Error("unreachable");
    expect(ending.job.history.join("; ")).toMatch(/claude-haiku-4-5: not used while gpt-5-mini only cools down \([\d.]+× its price/);
    // Its deferrals used up, the fallback is still cheaper than the next tier: it is used.
    expect(await t.run(tierJob("r5d", { deferrals: 2 }), false)).toEqual({ status: "succeeded", model: "claude-haiku-4-5" });
  });

  it("falls back to a dear model at once when the primary failed rather than cooled down", async () => {
    const t = setUp({ "gpt-5-mini": [badRequest], "claude-haiku-4-5": [answer("billing")] });
    expect(await t.run(tierJob("r5e"))).toEqual({ status: "succeeded", model: "claude-haiku-4-5" });
  });

  it("falls back while the primary cools down when the fallback is within the ratio", async () => {
    const config = testConfig({ maxDeferrals: 2, fallback: { maxCostRatioWhileCooling: 5 } });
    const t = setUp({ "gpt-5-mini": [http429(800)], "claude-haiku-4-5": [answer("billing")] }, "cheap", config);
    expect(await t.run(tierJob("r5f"))).toEqual({ status: "succeeded", model: "claude-haiku-4-5" });
  });

  it("counts the time a deferred job waits, and fails a pinned job once it has waited maxWaitMs, saying for what", async () => {
    const config = testConfig({ maxDeferrals: 100, maxWaitMs: 1_000 });
    const t = setUp({ "gpt-5-mini": [http429(800)] }, "cheap", config);
    const first = await t.run(tierJob("r8", {}, { model: "gpt-5-mini" }));
    expect(first).toMatchObject({ status: "deferred", delayMs: 800, job: { waitedMs: 800 } });
    if (first.status !== "deferred") throw new Error("unreachable");
    // The model is still cooling: the job may wait only the 200 ms left of its bound.
    const second = await t.run(first.job, false);
    expect(second).toMatchObject({ status: "deferred", delayMs: 200, job: { waitedMs: 1_000 } });
    if (second.status !== "deferred") throw new Error("unreachable");
    expect(await t.run(second.job, false)).toMatchObject({ status: "failed" });
    expect(t.outcome("r8").error).toMatch(/waited 1 s for busy models, the most allowed \(maxWaitMs 1000\): gpt-5-mini cooling down/);
  });

  it("honours a job's own maxWait (enqueue --max-wait) over the config's maxWaitMs", async () => {
    const config = testConfig({ maxDeferrals: 100, maxWaitMs: 600_000 });
    const t = setUp({ "gpt-5-mini": [http429(800)] }, "cheap", config);
    const first = await t.run(tierJob("r8b", {}, { model: "gpt-5-mini", maxWait: "0.5s" }));
    // The batch's 500 ms bound, not the config's 10 min, caps the first deferral…
    expect(first).toMatchObject({ status: "deferred", delayMs: 500, job: { waitedMs: 500 } });
    if (first.status !== "deferred") throw new Error("unreachable");
    // …and ends the wait.
    expect(await t.run(first.job, false)).toMatchObject({ status: "failed" });
    expect(t.outcome("r8b").error).toMatch(/the most allowed \(maxWaitMs 500\): gpt-5-mini cooling down/);
  });

  it("counts a job held behind a blocked tier from when the tier went dark, not only its own deferrals", async () => {
    const config = testConfig({ maxDeferrals: 100, fallback: { maxCostRatioWhileCooling: 1000 } });
    const scripts = { "claude-opus-4-7": [http429(800)], "gpt-5.2": [http429(800)] };
    const stage = inMemoryStage(config, scripts);
    const nowMs = stage.clock.nowMs();
    const noted: string[] = [];
    // The shared mark says premium has had no usable model for a minute; this job entered its queue 30 s ago.
    const tierBlock = {
      note: async (tier: string) => (noted.push(tier), nowMs - 60_000),
      clear: async () => {},
      read: async () => new Map<string, number>(),
    };
    const blocked = createTierProcessor("premium", { ...stage.deps, tierBlock });
    stage.deps.ledger.addRequests(["r8c", "r8d"]);
    const held = await blocked(tierJob("r8c", {}, { maxWait: "5s" }), "r8c", true, nowMs - 30_000);
    expect(held).toMatchObject({ status: "failed" });
    expect(noted).toEqual(["premium"]);
    expect((stage.deps.ledger.request("r8c") as RequestOutcome).error).toMatch(
      /^every tier failed \(top tier premium\): waited 30 s for busy models, the most allowed \(maxWaitMs 5000\): claude-opus-4-7 cooling down/,
    );
    // Without the shared mark, the same job has waited nothing yet: it is deferred, saying on which models.
    const alone = createTierProcessor("premium", stage.deps);
    const first = await alone(tierJob("r8d", {}, { maxWait: "5s" }), "r8d", true, nowMs - 30_000);
    expect(first).toMatchObject({
      status: "deferred",
      scope: "tier",
      maxWaitMs: 5_000,
      busy: [
        { model: "claude-opus-4-7", reason: "cooling_down" },
        { model: "gpt-5.2", reason: "cooling_down" },
      ],
    });
  });

  it("a job escalated into a blocked tier adds the wait it brought to its time held there", async () => {
    const config = testConfig({ maxDeferrals: 100, fallback: { maxCostRatioWhileCooling: 1000 } });
    const stage = inMemoryStage(config, { "claude-opus-4-7": [http429(800)], "gpt-5.2": [http429(800)] });
    const nowMs = stage.clock.nowMs();
    // Premium has been dark for a minute; the job waited 4 s in the tier below and arrived here 2 s ago.
    const tierBlock = { note: async () => nowMs - 60_000, clear: async () => {}, read: async () => new Map<string, number>() };
    const blocked = createTierProcessor("premium", { ...stage.deps, tierBlock });
    stage.deps.ledger.addRequests(["r8e"]);
    const escalated = tierJob("r8e", { waitedMs: 4_000, deferrals: 0, escalations: 1 }, { maxWait: "5s" });
    expect(await blocked(escalated, "r8e", true, nowMs - 2_000)).toMatchObject({ status: "failed" });
    expect((stage.deps.ledger.request("r8e") as RequestOutcome).error).toMatch(
      /waited 6 s for busy models, the most allowed \(maxWaitMs 5000\)/,
    );
  });

  it("defers a job as before, counting its own deferrals, when the tier's blocked mark cannot be noted", async () => {
    const stage = inMemoryStage(CONFIG, { "gpt-5-mini": [http429(800)] });
    const tierBlock = {
      note: async () => Promise.reject(new Error("READONLY You can't write against a read only replica.")),
      clear: async () => {},
      read: async () => new Map<string, number>(),
    };
    const processTier = createTierProcessor("cheap", { ...stage.deps, tierBlock });
    stage.deps.ledger.addRequests(["r8i"]);
    const ending = await processTier(tierJob("r8i"), "r8i", true, stage.clock.nowMs() - 60_000);
    expect(ending).toMatchObject({ status: "deferred", scope: "tier", delayMs: 800, job: { waitedMs: 800, deferrals: 1 } });
  });

  it("clears the tier's blocked mark at its first answer after noting it, once: answered jobs cost no Redis call", async () => {
    const stage = inMemoryStage(CONFIG, { "gpt-5-mini": [http429(800), answer("billing")] });
    const calls: string[] = [];
    const tierBlock = {
      note: async (tier: string, nowMs: number) => (calls.push(`note ${tier}`), nowMs),
      clear: async (tier: string) => void calls.push(`clear ${tier}`),
      read: async () => new Map<string, number>(),
    };
    const processTier = createTierProcessor("cheap", { ...stage.deps, tierBlock });
    const run = (id: string) => (stage.deps.ledger.addRequests([id]), processTier(tierJob(id), id, true, stage.clock.nowMs()));
    expect(await run("r8f")).toMatchObject({ status: "deferred", scope: "tier" });
    expect(calls).toEqual(["note cheap"]);
    stage.clock.advance(800);
    expect(await run("r8g")).toEqual({ status: "succeeded", model: "gpt-5-mini" });
    expect(await run("r8h")).toEqual({ status: "succeeded", model: "gpt-5-mini" });
    // One clear for the blockage this process saw; the next answers touch nothing.
    expect(calls).toEqual(["note cheap", "clear cheap"]);
  });

  it("escalates a busy tier once its deferrals are used up", async () => {
    const t = setUp({ "gpt-5-mini": [http429(100)], "claude-haiku-4-5": [http429(100)] });
    expect(await t.run(tierJob("r6", { deferrals: 2 }), false)).toEqual({ status: "escalated", to: "balanced" });
  });

  it("never escalates a job pinned to a model: it fails in its tier", async () => {
    const t = setUp({ "gpt-5-mini": [http500] });
    const ending = await t.run(tierJob("r7", {}, { model: "gpt-5-mini" }));
    expect(ending).toMatchObject({ status: "failed" });
    expect(t.outcome("r7").error).toMatch(/^pinned model gpt-5-mini gave no valid answer: /);
    expect(t.forwarded).toEqual([]);
    expect(t.providers.callsTo("claude-haiku-4-5")).toBe(0);
  });

  it("abandons on a shutdown-like error: attempts written, journal cleared, no ending", async () => {
    const t = setUp({ "gpt-5-mini": [aborted] });
    expect(await t.run(tierJob("r8"))).toMatchObject({ status: "abandoned" });
    expect(t.attempts("r8")).toHaveLength(1);
    expect(t.outcome("r8")).toEqual({ status: "queued" });
    expect(t.deps.journal.size()).toBe(0);
  });

  it("a re-run after the ending was decided replays it without calling a provider again", async () => {
    const t = setUp({ "gpt-5-mini": [answer("billing")] });
    await t.run(tierJob("r9"));
    expect(t.providers.calls).toHaveLength(1);
    // BullMQ lost the lock after the work was done and runs the job again (not a first run).
    expect(await t.run(tierJob("r9"), false)).toEqual({ status: "succeeded", model: "gpt-5-mini" });
    expect(t.providers.calls).toHaveLength(1);
    expect(t.attempts("r9")).toHaveLength(1);
  });

  it("a call whose worker died is recorded as abandoned and numbering goes on after it", async () => {
    const t = setUp({ "gpt-5-mini": [answer("bug")] });
    await t.deps.journal.callStarted(journalRunId("r10", "cheap"), {
      id: "00000000-0000-4000-8000-000000000001",
      attemptNo: 1,
      tier: "cheap",
      provider: "openai",
      model: "gpt-5-mini",
      startedAt: t.clock.now().toISOString(),
    });
    expect(await t.run(tierJob("r10"), false)).toMatchObject({ status: "succeeded" });
    expect(t.attempts("r10")).toEqual([
      [1, "cheap", "gpt-5-mini", "abandoned", undefined],
      [2, "cheap", "gpt-5-mini", "ok", undefined],
    ]);
    expect(t.outcome("r10").attemptCount).toBe(2);
  });

  it("uses one config for the whole job even if a reload lands mid-job", async () => {
    const t = setUp({ "gpt-5-mini": [http500], "claude-haiku-4-5": [answer("bug")] });
    // A reload while gpt-5-mini backs off: removes the fallback model from the tier.
    const reloaded = testConfig({ maxDeferrals: 2 });
    reloaded.tiers[0]!.models = [reloaded.tiers[0]!.models[0]!];
    const sleep = t.deps.sleep;
    t.deps.sleep = async (ms) => {
      t.reload({ ...t.live, config: reloaded, version: 2 });
      await sleep(ms);
    };
    const process = createTierProcessor("cheap", t.deps);
    t.deps.ledger.addRequests(["r11"]);
    expect(await process(tierJob("r11"), "r11", true)).toEqual({ status: "succeeded", model: "claude-haiku-4-5" });
    // The next job sees the new config: no fallback, so it escalates.
    t.deps.ledger.addRequests(["r12"]);
    expect(await process(tierJob("r12"), "r12", true)).toEqual({ status: "escalated", to: "balanced" });
  });

  it("a shadow job asks the top tier once, records the comparison, and reads the config once", async () => {
    const t = setUp({ "claude-opus-4-7": [answer("billing")] }, "premium");
    const checks: unknown[] = [];
    const process = createTierProcessor("premium", { ...t.deps, shadowStore: async (check) => void checks.push(check) });
    const ending = await process(tierJob("r13", { shadowOf: { tier: "cheap", model: "gpt-5-mini", answer: "bug" } }), "r13~shadow", true);
    expect(ending).toEqual({ status: "shadowed", agrees: false });
    expect(checks).toMatchObject([{ requestId: "r13", tier: "cheap", topModel: "claude-opus-4-7", outcome: "ok", agrees: false }]);
    expect(t.liveReads()).toBe(1);
    expect(t.deps.ledger.attempts()).toEqual([]);
  });

  it("queues a shadow check for a sampled answer below the top tier", async () => {
    const t = inMemoryStage(testConfig({ routing: { shadow: { rate: 1, key: "id" } } }), { "gpt-5-mini": [answer("billing")] });
    const process = createTierProcessor("cheap", t.deps);
    t.deps.ledger.addRequests(["r14"]);
    await process(tierJob("r14"), "r14", true);
    expect(t.forwarded).toMatchObject([{ tier: "premium", job: { shadowOf: { tier: "cheap", model: "gpt-5-mini", answer: "billing" } } }]);
  });

  it("fails a malformed payload with the reason", async () => {
    const t = setUp({});
    const ending = await t.process({ requestId: "r15" }, "r15");
    expect(ending).toMatchObject({ status: "failed" });
    if (ending.status === "failed") expect(ending.error).toMatch(/^malformed job payload in tier cheap: /);
    expect(t.providers.calls).toEqual([]);
  });
});

describe("tier processor with provider slots (in-memory)", () => {
  /** Slots that hand out up to `limit` at once and record what each call held, or refuse every take. */
  function slotsOf(options: { refuse?: SlotWaitAbortedError; calls?: () => number } = {}) {
    let held = 0;
    const log: string[] = [];
    const calls = options.calls ?? (() => 0);
    const slots: ProviderSlots = {
      async take(tier, callMs) {
        if (options.refuse) throw options.refuse;
        held++;
        log.push(`take ${tier} ${callMs} after ${calls()} calls`);
        return {
          release: () => void (held--, log.push(`release after ${calls()} calls`)),
          callSent: () => undefined,
          nextCallsSent: () => Promise.resolve(),
        };
      },
      async close() {},
    };
    return { slots, log, held: () => held };
  }

  it("holds a slot around each call and gives it back when the provider answered", async () => {
    const stage = inMemoryStage(CONFIG, { "gpt-5-mini": [http500, answer("billing")] });
    const slots = slotsOf({ calls: () => stage.providers.calls.length });
    const process = createTierProcessor("cheap", { ...stage.deps, slots: slots.slots });
    stage.deps.ledger.addRequests(["s1"]);
    expect(await process(tierJob("s1"), "s1", true)).toEqual({ status: "succeeded", model: "gpt-5-mini" });
    const timeoutMs = CONFIG.tiers[0]!.models[0]!.timeoutMs;
    // Each call inside its own slot (the 500, then the answer), each slot given back.
    expect(slots.log).toEqual([
      `take cheap ${timeoutMs} after 0 calls`,
      "release after 1 calls",
      `take cheap ${timeoutMs} after 1 calls`,
      "release after 2 calls",
    ]);
    expect(slots.held()).toBe(0);
  });

  it("a first call that gets no slot stops the run: nothing called, written or reserved; back after the slots' retry time", async () => {
    const refuse = new SlotWaitAbortedError("tier cheap's provider slots are closed", 1_000);
    const stage = inMemoryStage(CONFIG, { "gpt-5-mini": [answer("billing")] });
    const process = createTierProcessor("cheap", { ...stage.deps, slots: slotsOf({ refuse }).slots });
    stage.deps.ledger.addRequests(["s2"]);
    expect(await process(tierJob("s2"), "s2", true)).toEqual({ status: "stopped", delayMs: 1_000 });
    expect(stage.providers.calls).toHaveLength(0);
    expect(stage.deps.ledger.attempts()).toHaveLength(0);
    expect(stage.deps.ledger.request("s2")).toEqual({ status: "queued" });
    expect(await stage.deps.journal.load(journalRunId("s2", "cheap"))).toEqual({ finished: [], inFlight: [] });
  });
});
