import type { JobKind } from "../jobs/job-schema.js";

/**
 * What the ledger says about past work of one kind and feature: per tier, how often a job that
 * reached it went on to a higher tier; per tier and model, billed calls per job reaching the tier and
 * output tokens per billed call. Filled by ledger-history.ts; empty means "use the defaults".
 */
export interface TierHistory {
  visits: number;
  escalationRate: number;
  models: Map<string, { billedPerVisit: number; outputTokensPerCall: number }>;
}
export type History = Map<string, TierHistory>;

/** Fewer finished jobs than this at a tier and the history is not trusted: the defaults apply. */
export const MIN_HISTORY_VISITS = 20;

/**
 * Documented defaults for a kind and feature with no history. Output lengths are typical answers of
 * each kind (a label, a JSON object, a paragraph, a page), capped at the call's max output tokens.
 */
export const DEFAULT_OUTPUT_TOKENS: Record<JobKind, number> = { classify: 5, extract: 80, summarize: 150, generate: 400 };
/** Routing calls (the llm classifier) answer with a short JSON object. */
export const DEFAULT_ROUTER_OUTPUT_TOKENS = 40;
/** Share of jobs at a tier that escalate to the next one. */
export const DEFAULT_ESCALATION_RATE = 0.05;

export const historyKey = (kind: string, feature: string | undefined, tier: string) => `${kind}\u0000${feature ?? ""}\u0000${tier}`;
