import type { Redis } from "ioredis";
import type { BudgetsConfig } from "../config/budget-config-schema.js";
import type { Picodollars } from "../pricing/money.js";
import { budgetKeys } from "./budget-keys.js";
import { budgetScopes, type BudgetScope, type BudgetState } from "./budget-decision.js";
import { RESERVE_SCRIPT, SETTLE_SCRIPT, SET_LIMIT_SCRIPT } from "./budget-scripts.js";

/** A reservation in force: what was held, and against which budgets, so it settles where it was made. */
export interface BudgetTicket {
  amount: Picodollars;
  keys: string[];
}

/** A ticket as the request journal keeps it (JSON): so a run that recovers an abandoned call can keep its reservation. */
export interface EncodedBudgetTicket {
  amountPicodollars: string;
  keys: string[];
}
export const encodeTicket = (ticket: BudgetTicket): EncodedBudgetTicket => ({
  amountPicodollars: ticket.amount.toString(),
  keys: ticket.keys,
});
export const decodeTicket = (encoded: EncodedBudgetTicket): BudgetTicket => ({
  amount: BigInt(encoded.amountPicodollars),
  keys: encoded.keys,
});

export type ReserveResult = { ok: true; ticket: BudgetTicket } | { ok: false; scope: BudgetScope; available: Picodollars };

/**
 * The budgets shared by every pod. Redis errors propagate from `reserve` (fail closed: no answer, no
 * call); settling is the caller's to retry or log, and an unsettled reservation stays held.
 */
export interface BudgetGuard {
  /** The budgets that apply to a call of this batch and feature now (the feature caps read from the live config). */
  scopesFor(call: { batchId: string; feature?: string }, at?: Date): BudgetScope[];
  reserve(scopes: BudgetScope[], amount: Picodollars): Promise<ReserveResult>;
  /** The call ended with this exact cost (0 for one that failed before billing: a release). */
  settle(ticket: BudgetTicket, cost: Picodollars): Promise<void>;
  /** The call's cost is unknown (its worker died mid-call): the worst case stays spent. */
  keep(ticket: BudgetTicket): Promise<void>;
  /** Sets (raises, lowers) a batch's budget; spent and reserved are kept. */
  setBatchLimit(batchId: string, limit: Picodollars): Promise<void>;
  /** A budget's state, or undefined when there is none. */
  state(key: string): Promise<BudgetState | undefined>;
  batchState(batchId: string): Promise<BudgetState | undefined>;
  /** Ids of the batches that have a budget. */
  budgetedBatches(): Promise<string[]>;
}

type BudgetRedis = Redis & {
  llmRouterBudgetReserve(...args: (string | number)[]): Promise<[number, string | number, string?]>;
  llmRouterBudgetSettle(...args: (string | number)[]): Promise<number>;
  llmRouterBudgetSetLimit(...args: (string | number)[]): Promise<number>;
};

export interface BudgetGuardOptions {
  redis: Redis;
  prefix: string;
  /** Read on every call, so a reload of the tiers file applies at once. */
  budgets: () => BudgetsConfig;
  now?: () => number;
}

export function createBudgetGuard(options: BudgetGuardOptions): BudgetGuard {
  const redis = options.redis as BudgetRedis;
  if (typeof redis.llmRouterBudgetReserve !== "function") {
    // Variable key counts: the first argument of each call says how many keys follow.
    redis.defineCommand("llmRouterBudgetReserve", { lua: RESERVE_SCRIPT });
    redis.defineCommand("llmRouterBudgetSettle", { lua: SETTLE_SCRIPT });
    redis.defineCommand("llmRouterBudgetSetLimit", { numberOfKeys: 2, lua: SET_LIMIT_SCRIPT });
  }
  const now = options.now ?? Date.now;
  const move = (keys: string[], reserved: bigint, spent: bigint, available: bigint) =>
    keys.length === 0
      ? Promise.resolve()
      : redis.llmRouterBudgetSettle(keys.length, ...keys, reserved.toString(), spent.toString(), available.toString()).then(() => {});

  async function state(key: string): Promise<BudgetState | undefined> {
    const fields = await options.redis.hgetall(key);
    if (fields.limit === undefined) return undefined;
    return {
      limit: BigInt(fields.limit),
      spent: BigInt(fields.spent ?? "0"),
      reserved: BigInt(fields.reserved ?? "0"),
      remaining: BigInt(fields.available ?? "0"),
      lastRefusedAtMs: fields.refusedAt === undefined ? undefined : Number(fields.refusedAt),
      limitSetAtMs: fields.limitSetAt === undefined ? undefined : Number(fields.limitSetAt),
    };
  }

  return {
    scopesFor: (call, at = new Date(now())) => budgetScopes(options.prefix, options.budgets(), call, at),

    async reserve(scopes, amount) {
      if (amount < 0n) throw new Error(`cannot reserve a negative amount (${amount})`);
      const args = scopes.flatMap((scope) => [scope.limit === undefined ? "" : scope.limit.toString(), String(scope.ttlMs)]);
      const [ok, detail, available] = await redis.llmRouterBudgetReserve(
        scopes.length,
        ...scopes.map((scope) => scope.key),
        amount.toString(),
        now(),
        ...args,
      );
      if (ok === 1) {
        const used = String(detail) === "" ? [] : String(detail).split(",").map(Number);
        return { ok: true, ticket: { amount, keys: used.map((index) => scopes[index - 1]!.key) } };
      }
      return { ok: false, scope: scopes[Number(detail) - 1]!, available: BigInt(available ?? "0") };
    },

    settle: (ticket, cost) => move(ticket.keys, -ticket.amount, cost, ticket.amount - cost),
    keep: (ticket) => move(ticket.keys, -ticket.amount, ticket.amount, 0n),

    async setBatchLimit(batchId, limit) {
      if (limit < 0n) throw new Error("a budget cannot be negative");
      await redis.llmRouterBudgetSetLimit(
        budgetKeys.batch(options.prefix, batchId),
        budgetKeys.budgetedBatches(options.prefix),
        limit.toString(),
        now(),
        batchId,
      );
    },

    state,
    batchState: (batchId) => state(budgetKeys.batch(options.prefix, batchId)),
    budgetedBatches: () => options.redis.smembers(budgetKeys.budgetedBatches(options.prefix)),
  };
}
