import type { ProviderName, RouterConfig } from "../config/router-config-schema.js";
import { tierIndexForScore } from "../intake/classify-job.js";
import { costOf } from "../pricing/model-rates.js";
import type { Picodollars } from "../pricing/money.js";
import type { PriceBook } from "../pricing/price-book.js";
import type { TokenUsage } from "../pricing/usage.js";

/**
 * `llm-router reprice`, the pure part: what recorded traffic would have cost under another config.
 * Each request is routed again with the other config's classifier and thresholds (its score from the
 * stored routing features, see run-reprice.ts), then priced from the tokens the ledger recorded:
 *
 * - routed to the same tier as it was: every recorded attempt (retries, fallbacks, escalations) is
 *   priced again at the other config's rates for its own model (`basis: attempts`). With the same
 *   models and every price doubled this is exactly twice the actual cost, to the picodollar;
 * - routed to another tier: one call on that tier's primary model. Its tokens are those of a
 *   recorded call on that very model when there is one (`model_call`), else the prompt tokens and the
 *   output tokens of the request's answering call (`answer_tokens`; cache reads and writes are not
 *   carried over, the whole prompt is priced as fresh input). Escalations, retries and invalid answers
 *   the new route might meet are not modelled: on a move down this is a lower bound;
 * - no tokens recorded at all (a request that never reached a provider): 0 (`no_tokens`).
 *
 * Rule-routed requests (forced tier or model, feature map) keep their tier. Quality is not replayed;
 * where a shadow check judged a cheap answer, the rows say how many of the requests moved down had a
 * cheap answer the top tier disagreed with.
 */

export interface RecordedAttempt {
  tier: string;
  provider: ProviderName;
  model: string;
  outcome: string;
  usage: TokenUsage;
  cost: Picodollars;
}

export interface RecordedRequest {
  id: string;
  status: string;
  initialTier: string | null;
  finalTier: string | null;
  classifier: string | null;
  /** The request's score under the other config's classifier, or undefined when it cannot be scored. */
  score: number | undefined;
  attempts: RecordedAttempt[];
  /** The shadow verdict on its cheap answer: true agreed, false did not, null none. */
  shadowAgrees: boolean | null;
}

export type RepriceBasis = "attempts" | "model_call" | "answer_tokens" | "no_tokens";

export interface RepricedRequest {
  id: string;
  actualTier: string | null;
  repricedTier: string;
  actual: Picodollars;
  repriced: Picodollars;
  basis: RepriceBasis;
  /** Kept on its tier because it was rule-routed or could not be scored. */
  kept: "rule" | "unscored" | undefined;
  shadowAgrees: boolean | null;
}

export interface RepricePolicy {
  config: RouterConfig;
  priceBook: PriceBook;
  /** The other config's cuts (configured, or its classifier's defaults). */
  thresholds: readonly number[];
}

const ZERO: Picodollars = 0n;

/** The tier a request starts on under the other config: its score cut at the thresholds, or kept. */
function reroute(request: RecordedRequest, policy: RepricePolicy): { tier: string; kept: RepricedRequest["kept"] } {
  const names = policy.config.tiers.map((tier) => tier.name);
  const keep = (why: "rule" | "unscored") => {
    const actual = request.initialTier ?? request.finalTier;
    return { tier: actual !== null && names.includes(actual) ? actual : names[0]!, kept: why };
  };
  if (request.classifier === "rule") return keep("rule");
  if (request.score === undefined) return keep("unscored");
  return { tier: names[tierIndexForScore(request.score, names.length, policy.thresholds)]!, kept: undefined };
}

/** The call whose tokens stand for the request's work: the last one that answered, else the last with tokens. */
function answeringCall(attempts: readonly RecordedAttempt[]): RecordedAttempt | undefined {
  const withTokens = attempts.filter((attempt) => attempt.usage.inputTokens + attempt.usage.outputTokens > 0);
  return withTokens.filter((attempt) => attempt.outcome === "ok").at(-1) ?? withTokens.at(-1);
}

export function repriceRequest(request: RecordedRequest, policy: RepricePolicy): RepricedRequest {
  const actual = request.attempts.reduce((sum, attempt) => sum + attempt.cost, ZERO);
  const { tier, kept } = reroute(request, policy);
  const base = { id: request.id, actualTier: request.initialTier, repricedTier: tier, actual, kept, shadowAgrees: request.shadowAgrees };
  if (tier === request.initialTier) {
    const repriced = request.attempts.reduce(
      (sum, attempt) => sum + costOf(attempt.usage, policy.priceBook.ratesFor(attempt.provider, attempt.model)),
      ZERO,
    );
    return { ...base, repriced, basis: "attempts" };
  }
  const model = policy.config.tiers.find((candidate) => candidate.name === tier)!.models[0]!;
  const rates = policy.priceBook.ratesFor(model.provider, model.model);
  const sameModel = request.attempts.filter((attempt) => attempt.model === model.model && attempt.outcome === "ok").at(-1);
  if (sameModel) return { ...base, repriced: costOf(sameModel.usage, rates), basis: "model_call" };
  const answer = answeringCall(request.attempts);
  if (!answer) return { ...base, repriced: ZERO, basis: "no_tokens" };
  const usage: TokenUsage = {
    inputTokens: answer.usage.inputTokens,
    outputTokens: answer.usage.outputTokens,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
  };
  return { ...base, repriced: costOf(usage, rates), basis: "answer_tokens" };
}

export interface RepriceGroup {
  actual_tier: string | null;
  repriced_tier: string;
  requests: number;
  actual: Picodollars;
  repriced: Picodollars;
  /** How the repriced money was found (see repriceRequest), per basis. */
  basis: Partial<Record<RepriceBasis, number>>;
  /** Of these requests, how many had a shadow verdict on their cheap answer, and how many disagreed. */
  shadow_labelled: number;
  shadow_disagreed: number;
}

export interface RepriceSummary {
  requests: number;
  actual: Picodollars;
  repriced: Picodollars;
  /** Share of requests answered on the top tier (final tier), as recorded. */
  topShareActual: number;
  /** Share the other config would start on its top tier. */
  topShareRepriced: number;
  kept: { rule: number; unscored: number };
  groups: RepriceGroup[];
}

/** Totals and (actual tier → repriced tier) groups, in the other config's tier order. */
export function summarizeReprice(
  rows: readonly RepricedRequest[],
  recorded: readonly RecordedRequest[],
  config: RouterConfig,
): RepriceSummary {
  const names = config.tiers.map((tier) => tier.name);
  const top = names.at(-1)!;
  const groups = new Map<string, RepriceGroup>();
  let actual = ZERO;
  let repriced = ZERO;
  const kept = { rule: 0, unscored: 0 };
  for (const row of rows) {
    actual += row.actual;
    repriced += row.repriced;
    if (row.kept) kept[row.kept]++;
    const key = `${row.actualTier ?? ""}\u0000${row.repricedTier}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        actual_tier: row.actualTier,
        repriced_tier: row.repricedTier,
        requests: 0,
        actual: ZERO,
        repriced: ZERO,
        basis: {},
        shadow_labelled: 0,
        shadow_disagreed: 0,
      };
      groups.set(key, group);
    }
    group.requests++;
    group.actual += row.actual;
    group.repriced += row.repriced;
    group.basis[row.basis] = (group.basis[row.basis] ?? 0) + 1;
    if (row.shadowAgrees !== null) {
      group.shadow_labelled++;
      if (!row.shadowAgrees) group.shadow_disagreed++;
    }
  }
  const rank = (name: string | null) => (name === null ? -1 : names.indexOf(name));
  const ordered = [...groups.values()].sort(
    (a, b) => rank(a.actual_tier) - rank(b.actual_tier) || rank(a.repriced_tier) - rank(b.repriced_tier),
  );
  const count = rows.length;
  return {
    requests: count,
    actual,
    repriced,
    topShareActual: count === 0 ? 0 : recorded.filter((request) => request.finalTier === top).length / count,
    topShareRepriced: count === 0 ? 0 : rows.filter((row) => row.repricedTier === top).length / count,
    kept,
    groups: ordered,
  };
}
