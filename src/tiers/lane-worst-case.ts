import type { ModelConfig } from "../config/router-config-schema.js";
import { promptTokenBound, worstCaseCost } from "../guards/budget-decision.js";
import { buildPrompt, type Prompt } from "../jobs/build-prompt.js";
import { atBatchRate, batchShare } from "../pricing/batch-rate.js";
import type { Picodollars } from "../pricing/money.js";
import type { TierJob } from "../queue/job-payloads.js";
import type { TierSettings } from "./tier-settings.js";

/**
 * The most a batch item of `job` on `model` can cost: a real-time call's worst case (budget-decision.ts)
 * at the share the batch API bills. What the budget holds for it from hand-over to ingest. Pure.
 */
export function laneWorstCase(
  settings: TierSettings,
  model: ModelConfig,
  job: TierJob,
  prompt: Prompt = buildPrompt(job.job),
): Picodollars {
  const rates = settings.live.priceBook.ratesFor(model.provider, model.model);
  const maxOutputTokens = job.job.maxOutputTokens ?? model.maxOutputTokens;
  return atBatchRate(worstCaseCost(promptTokenBound(prompt), maxOutputTokens, rates), batchShare(settings.live.config, model));
}
