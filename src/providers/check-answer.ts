import { MAX_TOKEN_COUNT, type TokenUsage, type UsageIssue } from "../pricing/usage.js";

/**
 * Usage as a provider reported it: each count may be absent or anything at all, since a
 * misbehaving endpoint (or proxy) can send what it likes. Only checkAnswer turns it into TokenUsage.
 */
export type ReportedUsage = { [K in keyof TokenUsage]?: unknown };

/** What an answer is checked against: the router's own estimate of the call's tokens. */
export interface UsageEstimate {
  inputTokens: number;
  outputTokens: number;
}

export type CheckedAnswer = {
  /** The text, untouched when it is storable. */
  text: string;
  /** Why the text cannot be stored or used (then the call is an invalid answer), if it cannot. */
  unstorable?: string;
  usage: TokenUsage;
  /** Set when `usage` is the estimate because the reported usage was unusable. */
  usageIssue?: UsageIssue;
};

/**
 * Postgres text cannot hold U+0000 (it refuses the whole statement). An answer containing one is
 * treated as an invalid answer rather than cleaned: silently dropping characters from a model's
 * output could change its meaning (a label, a JSON value), and escalation gets a clean answer.
 */
const UNSTORABLE = "\u0000";

/**
 * Pure check of a provider's answer at the boundary, before anything is written: the text must be
 * storable, and the usage whole, non-negative, within the ledger's integer range and consistent
 * (cache parts within the prompt). Unusable usage is replaced by the estimate, never dropped, so
 * the call is still recorded and priced (flagged as estimated).
 */
export function checkAnswer(text: string, reported: ReportedUsage | undefined, estimate: UsageEstimate): CheckedAnswer {
  const unstorable = text.includes(UNSTORABLE) ? "the answer contains a NUL character (U+0000), which Postgres cannot store" : undefined;
  const usageIssue = usageIssueOf(reported);
  const usage: TokenUsage = usageIssue
    ? {
        inputTokens: Math.min(MAX_TOKEN_COUNT, Math.max(0, Math.ceil(estimate.inputTokens))),
        outputTokens: Math.min(MAX_TOKEN_COUNT, Math.max(0, Math.ceil(estimate.outputTokens))),
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        cacheWrite1hTokens: 0,
      }
    : (reported as TokenUsage);
  return { text, ...(unstorable ? { unstorable } : {}), usage, ...(usageIssue ? { usageIssue } : {}) };
}

const KEYS: (keyof TokenUsage)[] = ["inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens", "cacheWrite1hTokens"];

export function usageIssueOf(reported: ReportedUsage | undefined): UsageIssue | undefined {
  if (!reported) return "missing";
  const values = KEYS.map((key) => reported[key]);
  if (values.some((value) => typeof value !== "number" || Number.isNaN(value))) return "missing";
  const counts = values as number[];
  if (counts.some((value) => value < 0)) return "negative";
  if (counts.some((value) => !Number.isInteger(value) || value > MAX_TOKEN_COUNT)) return "out_of_range";
  const usage = reported as TokenUsage;
  if (usage.cacheReadTokens + usage.cacheWriteTokens > usage.inputTokens || usage.cacheWrite1hTokens > usage.cacheWriteTokens) {
    return "out_of_range";
  }
  return undefined;
}
