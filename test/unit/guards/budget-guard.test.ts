import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { BudgetsConfig } from "../../../src/config/budget-config-schema.js";
import { buildPrompt } from "../../../src/jobs/build-prompt.js";
import { flatRate, type ModelRates } from "../../../src/pricing/model-rates.js";
import { parseUsd } from "../../../src/pricing/money.js";
import { budgetRecheckMs, isPaused, promptTokenBound, worstCaseCost } from "../../../src/guards/budget-decision.js";
import { createBudgetGuard, type BudgetTicket } from "../../../src/guards/budget-guard.js";
import { BudgetPausedError, callBudget } from "../../../src/guards/call-budget.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../../helpers/redis.js";

const rates = (input: bigint, output: bigint, cacheWrite = input): ModelRates => ({
  source: "config",
  input: flatRate(input),
  output: flatRate(output),
  cacheRead: flatRate(input / 10n),
  cacheWrite: flatRate(cacheWrite),
  cacheWrite1h: flatRate(cacheWrite),
});

describe("budget decisions (pure)", () => {
  it("bounds prompt tokens by UTF-8 bytes plus framing, never below a 4-characters-a-token count", () => {
    const prompt = buildPrompt({ kind: "generate", prompt: "héllo wörld ".repeat(50) });
    const bound = promptTokenBound(prompt);
    expect(bound).toBeGreaterThanOrEqual(Buffer.byteLength(prompt.messages[0]!.content));
    expect(bound).toBeGreaterThan(Math.ceil(prompt.messages[0]!.content.length / 4));
  });

  it("prices the worst case at the dearest prompt rate (a cache write) and the full output cap", () => {
    expect(worstCaseCost(100, 10, rates(1_000n, 4_000n, 1_250n))).toBe(100n * 1_250n + 10n * 4_000n);
  });

  it("backs off re-checks from about 1 s to at most about 30 s", () => {
    expect(budgetRecheckMs(0, 0.5)).toBe(1_000);
    expect(budgetRecheckMs(3, 0.5)).toBe(8_000);
    expect(budgetRecheckMs(50, 1)).toBe(37_500);
  });
});

describe("the budget guard in Redis", () => {
  const redis = new Redis(TEST_REDIS_URL);
  let prefix: string;
  let budgets: BudgetsConfig = {};
  const at = new Date("2025-06-01T12:00:00Z");
  // A clock that ticks, so "refused after the limit was set" is well defined.
  let tick = 0;
  const guard = () => createBudgetGuard({ redis, prefix, budgets: () => budgets, now: () => at.getTime() + tick++ });

  beforeEach(() => {
    prefix = uniquePrefix();
    budgets = {};
  });
  afterAll(async () => {
    redis.disconnect();
  });

  it("holds nothing for a batch without a budget", async () => {
    const g = guard();
    const result = await g.reserve(g.scopesFor({ batchId: "b1" }, at), 5n);
    expect(result).toEqual({ ok: true, ticket: { amount: 5n, keys: [] } });
    expect(await g.batchState("b1")).toBeUndefined();
    await deletePrefix(prefix);
  });

  it("never lets concurrent reservations go over, settles to the exact cost, and a raise frees room", async () => {
    const g = guard();
    await g.setBatchLimit("b1", parseUsd("0.000001")); // 1,000,000 pico
    const scopes = g.scopesFor({ batchId: "b1" }, at);
    // 40 racing reservations of 100,000: exactly 10 fit.
    const results = await Promise.all(Array.from({ length: 40 }, () => g.reserve(scopes, 100_000n)));
    const granted = results.filter((result) => result.ok);
    expect(granted).toHaveLength(10);
    expect(await g.batchState("b1")).toMatchObject({ spent: 0n, reserved: 1_000_000n, remaining: 0n });
    const refused = results.find((result) => !result.ok)!;
    expect(refused).toMatchObject({ ok: false, scope: { label: "batch" } });

    // Half settle at 30,000, one fails before billing (release), one is abandoned (kept).
    const tickets = granted.map((result) => (result as { ticket: BudgetTicket }).ticket);
    for (const ticket of tickets.slice(0, 8)) await g.settle(ticket, 30_000n);
    await g.settle(tickets[8]!, 0n);
    await g.keep(tickets[9]!);
    const after = (await g.batchState("b1"))!;
    expect(after).toMatchObject({ spent: 8n * 30_000n + 100_000n, reserved: 0n, remaining: 1_000_000n - 340_000n });
    expect(isPaused(after)).toBe(true);

    await g.setBatchLimit("b1", 2_000_000n);
    const raised = (await g.batchState("b1"))!;
    expect(raised).toMatchObject({ limit: 2_000_000n, spent: 340_000n, remaining: 1_660_000n });
    expect(isPaused(raised)).toBe(false);
    // Lowered below what is spent: nothing more fits, and what is spent stays.
    await g.setBatchLimit("b1", 100_000n);
    expect(await g.reserve(scopes, 1n)).toMatchObject({ ok: false });
    expect(await g.batchState("b1")).toMatchObject({ spent: 340_000n, remaining: 100_000n - 340_000n });
    expect(await g.budgetedBatches()).toEqual(["b1"]);
    await deletePrefix(prefix);
  });

  it("charges a feature's day and month caps from the config together with the batch, all or nothing", async () => {
    budgets = { support: { dailyUsd: "0.0000005", monthlyUsd: "0.000001" } };
    const g = guard();
    await g.setBatchLimit("b2", 10_000_000n);
    const scopes = g.scopesFor({ batchId: "b2", feature: "support" }, at);
    expect(scopes.map((scope) => scope.label)).toEqual(["batch", "feature support day 2025-06-01", "feature support month 2025-06"]);
    const first = await g.reserve(scopes, 400_000n);
    expect(first.ok).toBe(true);
    // The day cap (500,000) refuses the second; nothing of it is held anywhere.
    const second = await g.reserve(scopes, 400_000n);
    expect(second).toMatchObject({ ok: false, scope: { label: "feature support day 2025-06-01" }, available: 100_000n });
    expect(await g.batchState("b2")).toMatchObject({ reserved: 400_000n, remaining: 9_600_000n });
    expect(await g.state(scopes[2]!.key)).toMatchObject({ reserved: 400_000n, remaining: 600_000n });
    expect(await redis.pttl(scopes[1]!.key)).toBeGreaterThan(0);
    // A reloaded config with a higher daily cap applies on the next reservation.
    budgets = { support: { dailyUsd: "0.000001", monthlyUsd: "0.000001" } };
    expect((await g.reserve(g.scopesFor({ batchId: "b2", feature: "support" }, at), 400_000n)).ok).toBe(true);
    expect(await g.state(scopes[1]!.key)).toMatchObject({ limit: 1_000_000n, reserved: 800_000n, remaining: 200_000n });
    await deletePrefix(prefix);
  });

  it("binds to a call: a refusal is a BudgetPausedError naming the budget, with a back-off", async () => {
    const g = guard();
    await g.setBatchLimit("b3", 10n);
    const budget = callBudget(g, { batchId: "b3", pauses: 2 }, { random: () => 0.5 });
    const ticket = await budget.reserve(10n);
    const refusal = await budget.reserve(1n).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BudgetPausedError);
    expect(refusal).toMatchObject({ scope: "batch", retryInMs: 4_000 });
    await budget.settle(ticket, 7n);
    expect(await g.batchState("b3")).toMatchObject({ spent: 7n, reserved: 0n, remaining: 3n });
    await deletePrefix(prefix);
  });

  it("fails closed: with Redis unreachable, reserve rejects", async () => {
    const down = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    down.on("error", () => {});
    const g = createBudgetGuard({ redis: down, prefix, budgets: () => ({}) });
    await expect(g.reserve(g.scopesFor({ batchId: "b4" }), 1n)).rejects.toThrow();
    down.disconnect();
  });
});
