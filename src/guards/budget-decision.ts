import type { BudgetsConfig } from "../config/budget-config-schema.js";
import type { Prompt } from "../jobs/build-prompt.js";
import { parseUsd, type Picodollars } from "../pricing/money.js";
import type { ModelRates, SteppedRate } from "../pricing/model-rates.js";
import { budgetKeys } from "./budget-keys.js";

/** One budget a call is charged against: a batch's, or a feature's for one UTC day or month. */
export interface BudgetScope {
  /** Shown to people: `batch`, `feature F day 2025-06-01`, … */
  label: string;
  key: string;
  /** The cap from the tiers file; undefined for a batch, whose cap lives in Redis (set by enqueue / batch). */
  limit?: Picodollars;
  /** Feature periods expire a while after they end; a batch budget stays. */
  ttlMs: number;
}

/** Chat framing a provider adds around each message (role markers, separators), bounded generously. */
const PER_MESSAGE_OVERHEAD_TOKENS = 8;
const PER_PROMPT_OVERHEAD_TOKENS = 16;
const DAY_MS = 86_400_000;

/**
 * A bound no tokenizer exceeds: a BPE token is at least one byte of UTF-8, so the byte count plus the
 * chat framing is an upper bound on the provider's prompt-token count for any model. Reserving on it
 * (not on an estimate) is what makes the cap hard: a settled call never costs more than it reserved.
 */
export function promptTokenBound(prompt: Prompt): number {
  let bytes = Buffer.byteLength(prompt.system, "utf8");
  for (const message of prompt.messages) bytes += Buffer.byteLength(message.content, "utf8");
  return bytes + PER_MESSAGE_OVERHEAD_TOKENS * (prompt.messages.length + 1) + PER_PROMPT_OVERHEAD_TOKENS;
}

function highestRate(rate: SteppedRate): Picodollars {
  return rate.steps.reduce((max, step) => (step.rate > max ? step.rate : max), rate.base);
}

/**
 * The most one call can cost: every prompt token at the dearest rate a prompt token can have (plain,
 * cache read or either cache write, long-context step included) and the full output cap at the
 * dearest output rate.
 */
export function worstCaseCost(promptTokens: number, maxOutputTokens: number, rates: ModelRates): Picodollars {
  const inputRate = [rates.input, rates.cacheRead, rates.cacheWrite, rates.cacheWrite1h]
    .map(highestRate)
    .reduce((max, rate) => (rate > max ? rate : max), 0n);
  return BigInt(promptTokens) * inputRate + BigInt(maxOutputTokens) * highestRate(rates.output);
}

export const utcDay = (at: Date) => at.toISOString().slice(0, 10);
export const utcMonth = (at: Date) => at.toISOString().slice(0, 7);

/** Every budget that applies to a call of this batch and feature at this moment. */
export function budgetScopes(prefix: string, budgets: BudgetsConfig, call: { batchId: string; feature?: string }, at: Date): BudgetScope[] {
  const scopes: BudgetScope[] = [{ label: "batch", key: budgetKeys.batch(prefix, call.batchId), ttlMs: 0 }];
  const caps = call.feature === undefined ? undefined : budgets[call.feature];
  if (call.feature !== undefined && caps) {
    if (caps.dailyUsd !== undefined) {
      const day = utcDay(at);
      scopes.push({
        label: `feature ${call.feature} day ${day}`,
        key: budgetKeys.featureDay(prefix, call.feature, day),
        limit: parseUsd(caps.dailyUsd),
        ttlMs: 2 * DAY_MS,
      });
    }
    if (caps.monthlyUsd !== undefined) {
      const month = utcMonth(at);
      scopes.push({
        label: `feature ${call.feature} month ${month}`,
        key: budgetKeys.featureMonth(prefix, call.feature, month),
        limit: parseUsd(caps.monthlyUsd),
        ttlMs: 62 * DAY_MS,
      });
    }
  }
  return scopes;
}

/** How long a job stopped by a budget waits before it asks again: doubling from 1 s to 30 s, jittered. */
export function budgetRecheckMs(pauses: number, random: number): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.min(pauses, 5));
  return Math.round(base * (0.75 + 0.5 * random));
}

/** What one budget holds now, in picodollars (`remaining` = limit − spent − reserved, negative when lowered below use). */
export interface BudgetState {
  limit: Picodollars;
  spent: Picodollars;
  reserved: Picodollars;
  remaining: Picodollars;
  /** When a call was last refused by it (ms since epoch), and when its limit was last set. */
  lastRefusedAtMs?: number;
  limitSetAtMs?: number;
}

/** Paused: a call was refused since the limit was last set (a raise resumes the jobs). */
export function isPaused(state: BudgetState): boolean {
  return state.lastRefusedAtMs !== undefined && state.lastRefusedAtMs > (state.limitSetAtMs ?? 0);
}
