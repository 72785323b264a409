import { sql } from "drizzle-orm";
import type { ProviderName, RouterConfig } from "../config/router-config-schema.js";
import { queryRows, type Db } from "../ledger/db/database.js";
import { defaultThresholds } from "../intake/classify-job.js";
import { loadClassifier } from "../intake/loaded-classifier.js";
import { decodeFeatures } from "../intake/trained/stored-features.js";
import { formatUsd, parseUsd } from "../pricing/money.js";
import { buildPriceBook } from "../pricing/price-book.js";
import { UsageError } from "../errors/router-error.js";
import { repriceRequest, summarizeReprice, type RecordedRequest, type RepriceGroup } from "./reprice.js";

/**
 * `llm-router reprice`, the I/O part: reads a batch's or a time range's requests with their attempts
 * and shadow verdicts, scores each one under the other config's classifier, and prices it (reprice.ts).
 *
 * Scores: `trained` (and llm/hybrid with a modelFile) score the stored routing features
 * (`requests.routing_features`) with the other config's model; the heuristic has no stored input of its
 * own, so a request first scored by the heuristic keeps its recorded score (the same function), and
 * one scored otherwise (or without stored features under a trained model) keeps its tier (`unscored`).
 */

export interface RepriceScope {
  batchId?: string;
  since?: Date;
  until?: Date;
}

export interface RepriceResult {
  scope: { batch?: string; since?: string; until?: string };
  requests: number;
  actual_usd: string;
  repriced_usd: string;
  /** repriced / actual (null when nothing was spent). */
  ratio: number | null;
  top_share_actual: number;
  top_share_repriced: number;
  thresholds: number[];
  classifier: string;
  kept: { rule: number; unscored: number };
  rows: (Omit<RepriceGroup, "actual" | "repriced"> & { actual_usd: string; repriced_usd: string })[];
  notes: string[];
}

interface RequestRow {
  id: string;
  status: string;
  initial_tier: string | null;
  final_tier: string | null;
  classifier: string | null;
  complexity_score: number | null;
  routing_features: unknown;
  agrees: boolean | null;
}

interface AttemptRow {
  request_id: string;
  tier: string;
  provider: string;
  model: string;
  outcome: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  cost_usd: string;
}

function scopeFilter(scope: RepriceScope) {
  const where = [sql`r.status <> 'queued'`];
  if (scope.batchId !== undefined) where.push(sql`r.batch_id = ${scope.batchId}`);
  if (scope.since) where.push(sql`r.created_at >= ${scope.since.toISOString()}::timestamptz`);
  if (scope.until) where.push(sql`r.created_at < ${scope.until.toISOString()}::timestamptz`);
  return sql.join(where, sql` and `);
}

export async function runReprice(db: Db, scope: RepriceScope, config: RouterConfig): Promise<RepriceResult> {
  if (scope.batchId === undefined && scope.since === undefined) throw new UsageError("give --batch ID or --since DATE");
  if (scope.since && scope.until && scope.until <= scope.since) throw new UsageError("--until must be after --since");
  const where = scopeFilter(scope);
  const requests = await queryRows<RequestRow>(
    db,
    sql`select r.id, r.status, r.initial_tier, r.final_tier, r.classifier, r.complexity_score, r.routing_features,
          (select bool_and(s.agrees) from shadow_checks s where s.request_id = r.id and s.agrees is not null) as agrees
        from requests r where ${where} order by r.created_at, r.id`,
  );
  const attempts = await queryRows<AttemptRow>(
    db,
    sql`select a.request_id, a.tier, a.provider, a.model, a.outcome, a.input_tokens, a.output_tokens, a.cache_read_tokens,
          a.cache_write_tokens, a.cache_write_1h_tokens, a.cost_usd::text as cost_usd
        from attempts a join requests r on r.id = a.request_id where ${where} order by a.request_id, a.attempt_no`,
  );
  const byRequest = new Map<string, AttemptRow[]>();
  for (const attempt of attempts) {
    const list = byRequest.get(attempt.request_id) ?? [];
    list.push(attempt);
    byRequest.set(attempt.request_id, list);
  }

  const trained = loadClassifier(config).trained;
  const tierCount = config.tiers.length;
  const thresholds = config.routing.thresholds ?? (trained ? trained.defaultThresholds(tierCount) : [...defaultThresholds(tierCount)]);
  const scoreOf = (row: RequestRow): number | undefined => {
    if (trained) {
      if (row.routing_features === null) return undefined;
      return trained.scoreOfFeatures(decodeFeatures(row.routing_features));
    }
    return row.classifier === "heuristic" && row.complexity_score !== null ? row.complexity_score : undefined;
  };

  const recorded: RecordedRequest[] = requests.map((row) => ({
    id: row.id,
    status: row.status,
    initialTier: row.initial_tier,
    finalTier: row.final_tier,
    classifier: row.classifier,
    score: row.classifier === "rule" ? undefined : scoreOf(row),
    shadowAgrees: row.agrees,
    attempts: (byRequest.get(row.id) ?? []).map((attempt) => ({
      tier: attempt.tier,
      provider: attempt.provider as ProviderName,
      model: attempt.model,
      outcome: attempt.outcome,
      cost: parseUsd(attempt.cost_usd),
      usage: {
        inputTokens: attempt.input_tokens,
        outputTokens: attempt.output_tokens,
        cacheReadTokens: attempt.cache_read_tokens,
        cacheWriteTokens: attempt.cache_write_tokens,
        cacheWrite1hTokens: attempt.cache_write_1h_tokens,
      },
    })),
  }));
  const policy = { config, priceBook: buildPriceBook(config), thresholds };
  const summary = summarizeReprice(
    recorded.map((request) => repriceRequest(request, policy)),
    recorded,
    config,
  );
  return {
    scope: {
      ...(scope.batchId !== undefined ? { batch: scope.batchId } : {}),
      ...(scope.since ? { since: scope.since.toISOString() } : {}),
      ...(scope.until ? { until: scope.until.toISOString() } : {}),
    },
    requests: summary.requests,
    actual_usd: formatUsd(summary.actual),
    repriced_usd: formatUsd(summary.repriced),
    ratio: summary.actual === 0n ? null : Number((summary.repriced * 1_000_000n) / summary.actual) / 1_000_000,
    top_share_actual: summary.topShareActual,
    top_share_repriced: summary.topShareRepriced,
    thresholds,
    classifier: config.routing.classifier,
    kept: summary.kept,
    rows: summary.groups.map(({ actual, repriced, ...group }) => ({
      ...group,
      actual_usd: formatUsd(actual),
      repriced_usd: formatUsd(repriced),
    })),
    notes: [
      "same tier: every recorded attempt priced again at the other config's rates; another tier: one call on its primary model (a recorded call's tokens on that model, else the answer's prompt and output tokens, no cache)",
      "escalations and retries on a new route are not modelled; quality: shadow verdicts of the requests in each row (shadow_disagreed = cheap answers the top tier disagreed with)",
    ],
  };
}
