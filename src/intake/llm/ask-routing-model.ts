import type { LiveConfig } from "../../providers/live-config.js";
import type { JobInput } from "../../jobs/job-schema.js";
import type { AttemptRecord } from "../../ledger/records.js";
import { buildPrompt } from "../../jobs/build-prompt.js";
import type { RoutingDecision } from "../index.js";
import { callModel } from "../../tiers/call-model.js";
import { BudgetPausedError, type CallBudget } from "../../guards/call-budget.js";
import { buildRouteJob, parseRouteAnswer } from "./route-prompt.js";
import { applyKindCeiling, applyKindFloor } from "../kind-floor.js";

/** Tier name the routing model's calls are recorded under in `attempts`: the cost of deciding. */
export const ROUTER_TIER = "router";

export interface LlmRouting {
  decision: RoutingDecision;
  /** The routing call, to be written like any other attempt (it was made and may have been billed). */
  record?: AttemptRecord;
}

/** Does a score sit close enough to a tier boundary that asking the model is worth a call (`hybrid`)? */
export function nearThreshold(score: number, thresholds: readonly number[], margin: number): boolean {
  return thresholds.some((threshold) => Math.abs(score - threshold) <= margin);
}

/**
 * Asks the cheapest configured model which tier a job needs. Its answer replaces the score's tier
 * (still raised to the kind's floor); an unusable answer or a failed call keeps the score's decision,
 * with the reason saying so.
 */
export async function askRoutingModel(
  job: JobInput,
  scored: RoutingDecision,
  live: LiveConfig,
  /** `attemptNo`: the routing call's number in its request. Default 1. */
  context: { requestId: string; now: () => Date; attemptNo?: number; budget?: CallBudget },
): Promise<LlmRouting> {
  const { config, providers, priceBook } = live;
  const model = config.tiers[0]!.models[0]!;
  const provider = providers.get(model.provider);
  if (!provider) return { decision: { ...scored, reason: `${scored.reason} (llm classifier: provider ${model.provider} not configured)` } };
  const routeJob = buildRouteJob(job, config.tiers);
  let call;
  try {
    call = await callModel(provider, model, {
      requestId: context.requestId,
      attemptNo: context.attemptNo ?? 1,
      tier: ROUTER_TIER,
      job: routeJob,
      prompt: buildPrompt(routeJob),
      rates: priceBook.ratesFor(model.provider, model.model),
      now: context.now,
      budget: context.budget,
    });
  } catch (error) {
    // No room in a budget: the routing call is not made and the score decides; the job's tier call
    // then waits on the same budget.
    if (!(error instanceof BudgetPausedError)) throw error;
    return { decision: { ...scored, reason: `${scored.reason} (llm classifier skipped: budget ${error.scope} has no room)` } };
  }
  const names = config.tiers.map((tier) => tier.name);
  const answer = call.result === undefined ? undefined : parseRouteAnswer(call.result, names);
  if (!answer) {
    const why = call.failureReason ?? "answer named no configured tier";
    return { record: call.record, decision: { ...scored, reason: `${scored.reason} (llm classifier fell back: ${why.slice(0, 200)})` } };
  }
  const capped = applyKindCeiling(names.indexOf(answer.tier), job.kind, config);
  const floored = applyKindFloor(capped.index, job.kind, config);
  const tier = names[floored.index]!;
  const raised = floored.raised
    ? ` (kind floor for ${job.kind}; llm said ${answer.tier})`
    : capped.lowered
      ? ` (kind ceiling for ${job.kind}; llm said ${answer.tier})`
      : "";
  return {
    record: call.record,
    decision: {
      ...scored,
      tier,
      classifier: "llm",
      reason: `llm (${model.model}): ${answer.reason || "no reason given"} → ${tier}${raised}`,
    },
  };
}
