import type { JobInput } from "../jobs/job-schema.js";
import type { RouterConfig } from "../config/router-config-schema.js";
import { replayAnswerText, type ModelClass } from "../fake-llm/replay.js";
import { buildPrompt, estimateTokens } from "../jobs/build-prompt.js";
import { costOf } from "../pricing/model-rates.js";
import type { Picodollars } from "../pricing/money.js";
import type { PriceBook } from "../pricing/price-book.js";
import type { QualityMetric, ReplayRow } from "../fake-llm/replay-dataset.js";

/**
 * What one row costs on each end tier, priced exactly as the pipeline prices it: the tier's primary
 * model, the prompt the router builds (4 characters a token, as the fake counts it), and the
 * replayed answer's length (capped at the call's output limit). The baselines (always cheap, always
 * top, random, oracle) are priced from these without running the pipeline again; the router's own
 * cost comes from the ledger, and the eval checks the two agree.
 */

/** Characters per token, as the fake provider counts answers (src/fake-llm/text.ts). */
const CHARS_PER_TOKEN = 4;

export interface RowCosts {
  cheap: Picodollars;
  top: Picodollars;
}

/** The cost of one row's call on `tier`, answered with the `modelClass` outcome's recorded text. */
export function costOnTier(
  job: JobInput,
  row: ReplayRow,
  modelClass: ModelClass,
  metric: QualityMetric,
  tier: RouterConfig["tiers"][number],
  priceBook: PriceBook,
): Picodollars {
  const model = tier.models[0]!;
  const prompt = buildPrompt(job);
  const text = replayAnswerText(modelClass === "weak" ? row.weak : row.strong, modelClass, metric);
  const cap = job.maxOutputTokens ?? model.maxOutputTokens;
  const outputTokens = Math.min(cap, Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN)));
  return costOf(
    { inputTokens: estimateTokens(prompt), outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 },
    priceBook.ratesFor(model.provider, model.model),
  );
}

export function rowCosts(
  job: JobInput,
  row: ReplayRow,
  metric: QualityMetric,
  tiers: { cheap: RouterConfig["tiers"][number]; top: RouterConfig["tiers"][number] },
  priceBook: PriceBook,
): RowCosts {
  return {
    cheap: costOnTier(job, row, "weak", metric, tiers.cheap, priceBook),
    top: costOnTier(job, row, "strong", metric, tiers.top, priceBook),
  };
}
