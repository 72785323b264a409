import type { RouterConfig } from "../config/router-config-schema.js";
import { nextStep, nextTier, DEFAULT_BASE_DELAY_MS, type RetryPolicy } from "../escalation/next-step.js";
import { describeIssues } from "../jobs/job-schema.js";
import type { LedgerWriter } from "../ledger/ledger-writer.js";
import type { AttemptRecord, RequestOutcome } from "../ledger/records.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import { buildPrompt, estimateTokens } from "../prompts/build-prompt.js";
import { costOf } from "../pricing/model-rates.js";
import type { PriceBook } from "../pricing/price-book.js";
import type { ProviderRegistry } from "../providers/provider-registry.js";
import { tierJobSchema, type TierJob } from "../queue/job-payloads.js";
import { callModel } from "./call-model.js";

export interface TierStageDeps {
  config: RouterConfig;
  priceBook: PriceBook;
  providers: ProviderRegistry;
  ledger: LedgerWriter;
  /** Hands a job to a higher tier's queue (same job id). */
  forward: (tier: string, job: TierJob) => Promise<void>;
  logger: Logger;
  metrics: Metrics;
  now?: () => Date;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type TierJobEnding =
  | { status: "succeeded"; model: string }
  | { status: "escalated"; to: string }
  | { status: "failed"; error: string }
  /** Stopped without an ending (shutting down); the job must run again. */
  | { status: "abandoned"; error: string };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The work of one tier on one job: its models in order, retries on passing faults, then either an
 * answer, a hand-off to the next tier, or — at the top, or for a job pinned to one model — a failure.
 * Every call becomes an attempt row; the request row is written once, when the job ends.
 */
export function createTierProcessor(tierName: string, deps: TierStageDeps) {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? defaultSleep;
  const tierNames = deps.config.tiers.map((tier) => tier.name);
  const tier = deps.config.tiers.find((candidate) => candidate.name === tierName);
  if (!tier) throw new Error(`unknown tier "${tierName}" (tiers: ${tierNames.join(", ")})`);
  const topTier = deps.config.tiers[deps.config.tiers.length - 1]!;
  const baselineModel = topTier.models[0]!;
  const baselineRates = deps.priceBook.ratesFor(baselineModel.provider, baselineModel.model);
  const policy: RetryPolicy = {
    retriesPerModel: deps.config.retriesPerModel,
    maxRetryDelayMs: deps.config.maxRetryDelayMs,
    baseDelayMs: DEFAULT_BASE_DELAY_MS,
  };

  return async function processTierJob(payload: unknown, jobId: string): Promise<TierJobEnding> {
    const parsed = tierJobSchema.safeParse(payload);
    if (!parsed.success) {
      const error = `malformed job payload in tier ${tierName}: ${describeIssues(parsed.error)}`;
      await deps.ledger.write([], failedOutcome(jobId, error));
      return { status: "failed", error };
    }
    const data = parsed.data;
    const log = deps.logger.child({ jobId: data.requestId, batchId: data.batchId, tier: tierName });
    const job = data.job;
    const prompt = buildPrompt(job);
    const promptTokens = estimateTokens(prompt);
    const models = job.model ? tier.models.filter((model) => model.model === job.model) : tier.models;
    const records: AttemptRecord[] = [];
    const reasons: string[] = [];
    let costPico = BigInt(data.costSoFarPico);

    /** What this tier decided, on top of what the request already carries; written with this tier's attempts. */
    type Ending = Pick<RequestOutcome, "status" | "finalTier" | "finalProvider" | "finalModel" | "baselineCost" | "result" | "error">;
    const finish = (ending: Ending) =>
      deps.ledger.write(records, {
        ...ending,
        requestId: data.requestId,
        initialTier: data.route.initialTier,
        classifier: data.route.classifier,
        routingReason: data.route.reason,
        complexityScore: data.route.score,
        escalations: data.escalations,
        attemptCount: data.attemptsSoFar + records.length,
        cost: costPico,
        finishedAt: now(),
      });

    if (models.length === 0) reasons.push(`tier ${tierName} has no model ${job.model}`);
    for (const model of models) {
      if (promptTokens > model.contextWindow) {
        reasons.push(`${model.model}: prompt of ~${promptTokens} tokens exceeds its context window (${model.contextWindow})`);
        continue;
      }
      const provider = deps.providers.get(model.provider);
      if (!provider) {
        reasons.push(`${model.model}: provider ${model.provider} is not configured`);
        continue;
      }
      const rates = deps.priceBook.ratesFor(model.provider, model.model);
      for (let retries = 0; ; retries++) {
        const call = await callModel(provider, model, {
          requestId: data.requestId,
          attemptNo: data.attemptsSoFar + records.length + 1,
          tier: tierName,
          job,
          prompt,
          rates,
          now,
        });
        records.push(call.record);
        costPico += call.record.cost;
        deps.metrics.attempts.inc({ tier: tierName, provider: model.provider, model: model.model, outcome: call.record.outcome });
        deps.metrics.costUsd.inc({ tier: tierName, model: model.model }, Number(call.record.cost) / 1e12);
        deps.metrics.latency.observe({ model: model.model, outcome: call.record.outcome }, call.record.latencyMs / 1000);

        if (call.result !== undefined) {
          await finish({
            status: "succeeded",
            finalTier: tierName,
            finalProvider: model.provider,
            finalModel: model.model,
            baselineCost: costOf(call.record.usage, baselineRates),
            result: call.result,
          });
          log.debug({ model: model.model, attempts: records.length }, "answered");
          return { status: "succeeded", model: model.model };
        }
        reasons.push(call.failureReason ?? `${model.model}: failed`);
        // Per-call failures are routine at volume (every 429); debug keeps them out of the way, metrics count them.
        log.debug({ model: model.model, outcome: call.record.outcome, errorType: call.record.errorType }, "attempt failed");
        const step = nextStep(call.failure!, retries, policy, random());
        if (step.action === "abandon") {
          await deps.ledger.write(records);
          return { status: "abandoned", error: reasons.join("; ") };
        }
        if (step.action === "next-model") break;
        await sleep(step.delayMs);
      }
    }

    const history = [...data.history, ...reasons].slice(-50);
    const higher = job.model ? undefined : nextTier(tierNames, tierName);
    if (higher) {
      await deps.ledger.write(records);
      await deps.forward(higher, {
        ...data,
        escalations: data.escalations + 1,
        attemptsSoFar: data.attemptsSoFar + records.length,
        costSoFarPico: costPico.toString(),
        history,
      });
      deps.metrics.escalations.inc({ from: tierName, to: higher });
      log.info({ to: higher, reasons }, "escalated");
      return { status: "escalated", to: higher };
    }
    const lastBilled = [...records].reverse().find((record) => record.usage.inputTokens > 0);
    const error = job.model
      ? `pinned model ${job.model} gave no valid answer: ${history.join("; ")}`
      : `every tier failed (top tier ${tierName}): ${history.join("; ")}`;
    await finish({
      status: "failed",
      finalTier: tierName,
      baselineCost: lastBilled ? costOf(lastBilled.usage, baselineRates) : 0n,
      error: error.slice(0, 4000),
    });
    log.warn({ error }, "request failed");
    return { status: "failed", error };
  };
}

/** The ending of a job whose payload could not even be read. */
export function failedOutcome(requestId: string, error: string): RequestOutcome {
  return {
    requestId,
    status: "failed",
    escalations: 0,
    attemptCount: 0,
    cost: 0n,
    baselineCost: 0n,
    error: error.slice(0, 4000),
    finishedAt: new Date(),
  };
}
