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
 * real (non-reasoning) models for each kind (a JSON object, a paragraph, a page), capped at the
 * call's max output tokens. A classify job's default is not this table's 5 but the mean length of its
 * own labels in the model's token count (estimate-batch.ts): the answer is one label, and labels are
 * 1–2 o200k tokens (the examples' 10 labels: mean 1.2, max 2). Reasoning models bill their reasoning
 * as output too, which no default here includes: run a small batch first and let the history decide.
 */
export const DEFAULT_OUTPUT_TOKENS: Record<JobKind, number> = { classify: 5, extract: 80, summarize: 150, generate: 400 };
/** Routing calls (the llm classifier) answer with a short JSON object. */
export const DEFAULT_ROUTER_OUTPUT_TOKENS = 40;
/** Share of jobs at a tier that escalate to the next one. */
export const DEFAULT_ESCALATION_RATE = 0.05;

export const historyKey = (kind: string, feature: string | undefined, tier: string) => `${kind}\u0000${feature ?? ""}\u0000${tier}`;
/**
 * Output tokens per billed call of a kind over every feature, tier and model (ledger-history.ts):
 * what a tier with too little history of its own expects, since an answer's length depends on the
 * kind far more than on the model. Stored as a TierHistory whose one model is "*".
 */
export const kindOutputKey = (kind: string) => `${kind}\u0001*`;
export const kindOutputTokens = (history: History, kind: string): number | undefined =>
  history.get(kindOutputKey(kind))?.models.get("*")?.outputTokensPerCall;

/** The key of a kind's history over all its features (ledger-history.ts fills both). */
export const kindHistoryKey = (kind: string, tier: string) => `${kind}\u0001${tier}`;

/**
 * The history for a job at a tier: its kind and feature's when there is enough of it, else its
 * kind's over every feature (a small feature learns from its kind), else none (the defaults).
 */
export const historyFor = (history: History, kind: string, feature: string | undefined, tier: string): TierHistory | undefined =>
  history.get(historyKey(kind, feature, tier)) ?? history.get(kindHistoryKey(kind, tier));
