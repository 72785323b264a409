import type { ModelConfig } from "../config/router-config-schema.js";
import { buildPrompt, estimateTokens, type Prompt } from "../jobs/build-prompt.js";
import { resolveDeadlineAt } from "../jobs/deadline.js";
import type { TierJob } from "../queue/job-payloads.js";
import type { TierSettings } from "./tier-settings.js";

/**
 * Whether a job of this tier waits for a provider batch, and on which model. Routing (the tier) is
 * not changed by a deadline, only how the tier calls its model. Pure: the tier processor and the
 * batch lane's ingester (which moves a failed item to the next model) ask the same question.
 */

/** The job's absolute deadline: its own `deadline`, else its feature's rule in the tiers file (`deadlines`). */
export function jobDeadlineAt(data: Pick<TierJob, "job" | "enqueuedAt">, deadlines: Readonly<Record<string, string>>): Date | undefined {
  const text = data.job.deadline ?? (data.job.feature !== undefined ? deadlines[data.job.feature] : undefined);
  return resolveDeadlineAt(text, data.enqueuedAt);
}

export type LaneChoice =
  | { kind: "lane"; model: ModelConfig; deadlineAt: Date }
  /** Real time: `reason` says why (for the log), absent when the job simply has no deadline. */
  | { kind: "realtime"; reason?: string };

export function chooseLane(settings: TierSettings, data: TierJob, now: Date, prompt: Prompt = buildPrompt(data.job)): LaneChoice {
  if (data.shadowOf || data.realtimeOnly) return { kind: "realtime" };
  const deadlineAt = jobDeadlineAt(data, settings.live.config.deadlines);
  if (!deadlineAt) return { kind: "realtime" };
  const room = deadlineAt.getTime() - now.getTime();
  if (room < settings.tier.batchLane.minRoomMs)
    return { kind: "realtime", reason: `deadline in ${Math.max(0, room)} ms leaves no room for a batch` };
  const tried = new Set(data.batchTried ?? []);
  const promptTokens = estimateTokens(prompt);
  const candidates = data.job.model ? settings.tier.models.filter((model) => model.model === data.job.model) : settings.tier.models;
  const model = candidates.find(
    (candidate) =>
      candidate.batchApi &&
      !tried.has(candidate.model) &&
      promptTokens <= candidate.contextWindow &&
      settings.live.providers.has(candidate.provider),
  );
  if (!model) return { kind: "realtime", reason: `no model of tier ${settings.tier.name} left for the batch lane` };
  return { kind: "lane", model, deadlineAt };
}
