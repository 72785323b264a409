import type { ModelConfig } from "../config/router-config-schema.js";
import { buildPrompt, estimateTokens } from "../jobs/build-prompt.js";
import type { CallResult } from "./call-model.js";
import type { TierRun, TierRunState } from "./tier-run.js";
import { tryModel } from "./try-model.js";
import { callExposure } from "./call-model.js";
import { fallbackWhileCooling } from "./fallback-cost-policy.js";

export type TierModelsResult =
  | { kind: "answered"; model: ModelConfig; call: CallResult & { result: string } }
  | { kind: "abandon" }
  | { kind: "stopped"; retryInMs: number }
  /** The job's batch was cancelled: nothing was called (the request is ended as cancelled). */
  | { kind: "cancelled" }
  /** A budget stopped the run before a call: the job waits (see state.paused). */
  | { kind: "paused" }
  /** No model answered: decideTierEnding says what now. */
  | { kind: "exhausted" };

/**
 * The tier's models in order (fallback across providers), or only the one a job is pinned to;
 * a model that cannot take this job at all (prompt too long, provider not configured) is skipped
 * with the reason.
 */
export async function tryTierModels(run: TierRun, state: TierRunState): Promise<TierModelsResult> {
  const job = run.data.job;
  const { tier, live } = run.settings;
  const prompt = buildPrompt(job);
  const promptTokens = estimateTokens(prompt);
  const models = job.model ? tier.models.filter((model) => model.model === job.model) : tier.models;
  if (models.length === 0) state.reasons.push(`tier ${run.tierName} has no model ${job.model}`);
  let primaryOnlyCooling = false;
  const expectedCost = (model: ModelConfig) =>
    BigInt(
      callExposure(promptTokens, job.maxOutputTokens ?? model.maxOutputTokens, live.priceBook.ratesFor(model.provider, model.model))
        .highPicodollars,
    );
  for (const [index, model] of models.entries()) {
    if (promptTokens > model.contextWindow) {
      state.reasons.push(`${model.model}: prompt of ~${promptTokens} tokens exceeds its context window (${model.contextWindow})`);
      continue;
    }
    const provider = live.providers.get(model.provider);
    if (!provider) {
      state.reasons.push(`${model.model}: provider ${model.provider} is not configured`);
      continue;
    }
    if (index > 0 && primaryOnlyCooling) {
      const verdict = fallbackWhileCooling({
        primaryOnlyCooling,
        primaryCost: expectedCost(models[0]!),
        fallbackCost: expectedCost(model),
        maxCostRatio: live.config.fallback.maxCostRatioWhileCooling,
        mayDefer: run.data.deferrals < live.config.maxDeferrals,
      });
      if (!verdict.allowed) {
        state.reasons.push(
          `${model.model}: not used while ${models[0]!.model} only cools down (${verdict.ratio.toFixed(2)}× its price, fallback.maxCostRatioWhileCooling ${live.config.fallback.maxCostRatioWhileCooling})`,
        );
        continue;
      }
    }
    const busyBefore = state.busy.length;
    const recordsBefore = state.records.length;
    const turn = await tryModel(run, state, model, provider, prompt, promptTokens);
    if (index === 0) {
      // Only cooling: every refusal or 429 of its turn was a cool-down, and no call failed otherwise.
      const busy = state.busy.slice(busyBefore);
      const failed = state.records.slice(recordsBefore).some((record) => record.outcome !== "ok" && record.errorType !== "rate_limited");
      primaryOnlyCooling = busy.length > 0 && busy.every((entry) => entry.reason === "cooling_down") && !failed;
    }
    if (turn.kind === "answered") return { kind: "answered", model, call: turn.call };
    if (turn.kind === "abandon") return { kind: "abandon" };
    if (turn.kind === "stopped") return turn;
    if (turn.kind === "cancelled") return { kind: "cancelled" };
    if (turn.kind === "paused") return { kind: "paused" };
  }
  return { kind: "exhausted" };
}
