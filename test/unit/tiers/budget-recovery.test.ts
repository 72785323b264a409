import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { ModelConfig, ProviderName } from "../../../src/config/router-config-schema.js";
import { createBudgetGuard } from "../../../src/guards/budget-guard.js";
import { journalRunId } from "../../../src/guards/request-journal.js";
import { parseUsd } from "../../../src/pricing/money.js";
import type { Completion, ProviderClient } from "../../../src/providers/provider-client.js";
import type { TierJobInput } from "../../../src/queue/job-payloads.js";
import { createTierProcessor } from "../../../src/tiers/tier-processor.js";
import { TICKET_LABELS } from "../../helpers/jobs.js";
import { http429, inMemoryStage } from "../../helpers/in-memory-stage.js";
import { testConfig } from "../../helpers/pipeline.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../../helpers/redis.js";

const CONFIG = testConfig({});

const job: TierJobInput = {
  requestId: "r-crash",
  batchId: "b1",
  enqueuedAt: "2026-11-01T00:00:00Z",
  job: { kind: "classify", prompt: "I was charged twice, please refund me.", labels: TICKET_LABELS },
  route: { initialTier: "cheap", classifier: "heuristic", reason: "test", score: 0.1 },
  escalations: 0,
  attemptsSoFar: 0,
  costSoFarPico: "0",
  history: [],
};

/** The first call never returns (its worker is about to die); later calls answer "billing". */
function dyingThenAnswering() {
  let calls = 0;
  const client = (name: ProviderName): ProviderClient => ({
    name,
    complete(_model: ModelConfig): Promise<Completion> {
      if (calls++ === 0) return new Promise<Completion>(() => {});
      return Promise.resolve({
        text: "billing",
        usage: { inputTokens: 100, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 },
      });
    },
  });
  return new Map<ProviderName, ProviderClient>([
    ["openai", client("openai")],
    ["anthropic", client("anthropic")],
  ]);
}

describe("journal recovery, cancels and budgets (in-memory stage, budgets in real Redis)", () => {
  const redis = new Redis(TEST_REDIS_URL);
  const prefixes: string[] = [];
  afterAll(async () => {
    await Promise.all(prefixes.map(deletePrefix));
    redis.disconnect();
  });

  /** An in-memory stage whose batch b1 has a $1 budget in real Redis; the test's job is a known request. */
  async function budgetedStage(scripts: Parameters<typeof inMemoryStage>[1] = {}) {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const stage = inMemoryStage(CONFIG, scripts);
    const budgets = createBudgetGuard({ redis, prefix, budgets: () => ({}) });
    await budgets.setBatchLimit("b1", parseUsd("1"));
    stage.deps.ledger.addRequests([job.requestId]);
    return { stage, budgets, deps: { ...stage.deps, budgets } };
  }

  it("keeps an abandoned call's reservation as spent (it may have been billed) instead of leaving it reserved", async () => {
    const { stage, budgets, deps } = await budgetedStage();
    stage.live.providers = dyingThenAnswering();

    // The first worker reserves, notes the call in the journal, sends it, and dies waiting.
    void createTierProcessor("cheap", deps)(job, job.requestId, true);
    const runId = journalRunId(job.requestId, "cheap");
    // The call is sent once its note holds the reservation (a second write: the ticket is Redis's answer).
    while (!(await deps.journal.load(runId)).inFlight.some((call) => call.budget)) await new Promise((resolve) => setImmediate(resolve));
    const held = (await budgets.batchState("b1"))!;
    expect(held.reserved).toBeGreaterThan(0n);
    expect(held.spent).toBe(0n);

    // The next worker recovers the run: the abandoned call's worst case moves from reserved to spent.
    expect(await createTierProcessor("cheap", deps)(job, job.requestId, false)).toMatchObject({ status: "succeeded" });
    const answered = stage.deps.ledger.attempts().find((attempt) => attempt.outcome === "ok")!;
    const after = (await budgets.batchState("b1"))!;
    expect(after.reserved).toBe(0n);
    expect(after.spent).toBe(held.reserved + answered.cost);
    expect(after.remaining).toBe(parseUsd("1") - held.reserved - answered.cost);
  });

  it("releases a reservation the gate makes useless: admission and reservation are asked together", async () => {
    const { stage, budgets, deps } = await budgetedStage({ "gpt-5-mini": [http429(60_000)], "claude-haiku-4-5": [http429(60_000)] });
    const processTier = createTierProcessor("cheap", deps);

    // A 429: the model cools down for a minute and the job waits.
    expect(await processTier(job, job.requestId, true)).toMatchObject({ status: "deferred" });
    const callsBefore = stage.providers.calls.length;
    expect(callsBefore).toBeGreaterThan(0);
    // Run again inside the cool-down: the gate refuses what cools down, so nothing new is called
    // there, and each reservation taken beside a refused admission is given back.
    for (let run = 0; run < 3; run++) await processTier(job, job.requestId, false);
    expect(stage.providers.callsTo("gpt-5-mini")).toBe(1);
    const state = (await budgets.batchState("b1"))!;
    expect(state.reserved).toBe(0n);
    expect(state.spent).toBe(0n);
    expect(state.remaining).toBe(parseUsd("1"));
  });

  it("a job of a cancelled batch calls nothing, writes nothing, and gives back the reservation asked beside the cancel check", async () => {
    const { stage, budgets, deps: plain } = await budgetedStage();
    let asked = 0;
    const deps = { ...plain, cancelled: async () => (asked++, true) };

    expect(await createTierProcessor("cheap", deps)(job, job.requestId, true)).toEqual({ status: "cancelled" });
    expect(asked).toBe(1);
    expect(stage.providers.calls).toHaveLength(0);
    expect(stage.deps.ledger.attempts()).toHaveLength(0);
    expect(await deps.journal.load(journalRunId(job.requestId, "cheap"))).toEqual({ finished: [], inFlight: [] });
    expect(await budgets.batchState("b1")).toMatchObject({ reserved: 0n, spent: 0n, remaining: parseUsd("1") });
    // A re-run (a journal may exist) asks before recovering anything.
    expect(await createTierProcessor("cheap", deps)(job, job.requestId, false)).toEqual({ status: "cancelled" });
    expect(stage.providers.calls).toHaveLength(0);
  });

  it("an admission that fails (Redis down) fails the run before any call, the reservation asked beside it given back", async () => {
    const { stage, budgets, deps: plain } = await budgetedStage();
    const deps = { ...plain, gate: { ...plain.gate, admit: () => Promise.reject(new Error("gate unreachable")) } };
    await expect(createTierProcessor("cheap", deps)(job, job.requestId, true)).rejects.toThrow("gate unreachable");
    expect(stage.providers.calls).toHaveLength(0);
    expect(await budgets.batchState("b1")).toMatchObject({ reserved: 0n, spent: 0n });
  });

  it("a cancel check that fails (Redis down) fails the run before any call, its reservation given back", async () => {
    const { stage, budgets, deps: plain } = await budgetedStage();
    const deps = { ...plain, cancelled: () => Promise.reject(new Error("Redis is down")) };
    await expect(createTierProcessor("cheap", deps)(job, job.requestId, true)).rejects.toThrow("Redis is down");
    expect(stage.providers.calls).toHaveLength(0);
    expect(await budgets.batchState("b1")).toMatchObject({ reserved: 0n, spent: 0n });
  });
});
