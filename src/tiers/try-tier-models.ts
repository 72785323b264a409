import type { ModelConfig } from "../config/router-config-schema.js";
import { buildPrompt, estimateTokens } from "../jobs/build-prompt.js";
import type { CallResult } from "./call-model.js";
import type { TierRun, TierRunState } from "./tier-run.js";
import { tryModel } from "./try-model.js";

export type TierModelsResult =
  | { kind: "answered"; model: ModelConfig; call: CallResult & { result: string } }
  | { kind: "abandon" }
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
  for (const model of models) {
    if (promptTokens > model.contextWindow) {
      state.reasons.push(`${model.model}: prompt of ~${promptTokens} tokens exceeds its context window (${model.contextWindow})`);
      continue;
    }
    const provider = live.providers.get(model.provider);
    if (!provider) {
      state.reasons.push(`${model.model}: provider ${model.provider} is not configured`);
      continue;
    }
    const turn = await tryModel(run, state, model, provider, prompt, promptTokens);
    if (turn.kind === "answered") return { kind: "answered", model, call: turn.call };
    if (turn.kind === "abandon") return { kind: "abandon" };
    if (turn.kind === "paused") return { kind: "paused" };
  }
  return { kind: "exhausted" };
}
