import { sql } from "drizzle-orm";
import type { ProviderName, RouterConfig } from "../../config/router-config-schema.js";
import { queryRows, type Db } from "../../ledger/db/database.js";
import { catalogRates, overrideRates } from "../../pricing/catalog-rates.js";
import type { ModelRates } from "../../pricing/model-rates.js";
import { formatUsd, type Picodollars } from "../../pricing/money.js";
import { trimDecimal } from "./decimal.js";
import { DIMENSIONS, type Dimension, type ReportFilters } from "./report-filters.js";
import { attemptSource, needsBatchRollup, planSource, type SourcePreference } from "./report-source.js";

/** Rates of a model, or undefined when nobody prices it (then its savings are unknown, never zero). */
export type RatesLookup = (provider: ProviderName, model: string) => ModelRates | undefined;

/** The tiers file's price override for a model when it has one, else today's catalog price. */
export function configuredRates(config?: RouterConfig): RatesLookup {
  const overrides = new Map<string, ModelRates>();
  for (const tier of config?.tiers ?? []) {
    for (const model of tier.models)
      if (model.price) overrides.set(`${model.provider}:${model.model}`, overrideRates(model.price, model.provider));
  }
  return (provider, model) => overrides.get(`${provider}:${model}`) ?? catalogRates(provider, model);
}

export interface CacheTokenSums {
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
}

/**
 * What caching saved on these tokens against sending them as plain input: reads save (input − read
 * rate), writes cost (write rate − input) extra, so a prefix written and never read shows a loss.
 * Exact at the models' base rates (long-context steps above 200k-token prompts are not applied).
 */
export function cacheSavedPico(sums: CacheTokenSums, rates: ModelRates): Picodollars {
  const input = rates.input.base;
  const shortWrites = BigInt(sums.cacheWriteTokens - sums.cacheWrite1hTokens);
  return (
    BigInt(sums.cacheReadTokens) * (input - rates.cacheRead.base) -
    shortWrites * (rates.cacheWrite.base - input) -
    BigInt(sums.cacheWrite1hTokens) * (rates.cacheWrite1h.base - input)
  );
}

/** Cached input tokens as a share of input tokens, 0–100 with 2 decimals; null with no input. */
export function cacheHitPercent(cacheReadTokens: number, inputTokens: number): number | null {
  return inputTokens > 0 ? Math.round((10_000 * cacheReadTokens) / inputTokens) / 100 : null;
}

export interface CacheSavingsRow {
  group: Record<string, string>;
  /** Exact decimal string; null when a model in the group has no known price. */
  cacheSavedUsd: string | null;
}

/**
 * Money saved by caching per group of `by`, priced model by model (the group's calls may span
 * several models, each with its own rates). `rates` decides the prices: configuredRates() by default.
 */
export async function cacheSavings(
  db: Db,
  by: Dimension[],
  filters: ReportFilters,
  rates: RatesLookup,
  source?: SourcePreference,
): Promise<{ rows: CacheSavingsRow[]; totalUsd: string | null }> {
  const plan = planSource(filters, source, by);
  const groupColumns = by.map((dimension) => sql`${DIMENSIONS[dimension]} as ${sql.identifier(dimension)}`);
  const positions = sql.join(
    [...by, "provider", "model"].map((_, index) => sql.raw(String(index + 1))),
    sql`, `,
  );
  const rows = await queryRows<Record<string, string>>(
    db,
    sql`select ${sql.join([...groupColumns, sql`src.provider as cache_provider`, sql`src.model as cache_model`], sql`, `)},
        sum(src.cache_read_tokens)::text as cache_read_tokens, sum(src.cache_write_tokens)::text as cache_write_tokens,
        sum(src.cache_write_1h_tokens)::text as cache_write_1h_tokens
      from ${attemptSource(plan, filters, needsBatchRollup(by, filters))}
      group by ${positions}
      having sum(src.cache_read_tokens) + sum(src.cache_write_tokens) > 0`,
  );
  const groups = new Map<string, { group: Record<string, string>; saved: Picodollars | null }>();
  let total: Picodollars | null = 0n;
  for (const row of rows) {
    const group = Object.fromEntries(by.map((dimension) => [dimension, String(row[dimension])]));
    const key = JSON.stringify(by.map((dimension) => group[dimension]));
    const modelRates = rates(row.cache_provider as ProviderName, row.cache_model!);
    const saved = modelRates
      ? cacheSavedPico(
          {
            cacheReadTokens: Number(row.cache_read_tokens),
            cacheWriteTokens: Number(row.cache_write_tokens),
            cacheWrite1hTokens: Number(row.cache_write_1h_tokens),
          },
          modelRates,
        )
      : null;
    const entry = groups.get(key) ?? { group, saved: 0n };
    entry.saved = entry.saved === null || saved === null ? null : entry.saved + saved;
    groups.set(key, entry);
    total = total === null || saved === null ? null : total + saved;
  }
  const usd = (value: Picodollars | null) => (value === null ? null : trimDecimal(formatUsd(value)));
  return { rows: [...groups.values()].map(({ group, saved }) => ({ group, cacheSavedUsd: usd(saved) })), totalUsd: usd(total) };
}
