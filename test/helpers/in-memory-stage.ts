import type { ModelConfig, ProviderName, RouterConfig } from "../../src/config/router-config-schema.js";
import { createInMemoryModelGate } from "../../src/guards/in-memory-model-gate.js";
import { createInMemoryRequestJournal } from "../../src/guards/in-memory-request-journal.js";
import { createInMemoryLedgerWriter } from "../../src/ledger/in-memory-ledger-writer.js";
import { createLogger } from "../../src/observability/logger.js";
import { createMetrics } from "../../src/observability/metrics.js";
import { buildPriceBook } from "../../src/pricing/price-book.js";
import type { Completion, CompletionRequest, ProviderClient } from "../../src/providers/provider-client.js";
import { ProviderError, type ProviderErrorType } from "../../src/providers/provider-error.js";
import { loadClassifier, type IntakeLiveConfig } from "../../src/intake/loaded-classifier.js";
import type { TierJobInput } from "../../src/queue/job-payloads.js";

/** What a scripted model does on one call: answer with `text`, or fail like a provider. */
export type ScriptedStep =
  | { text: string; inputTokens?: number; outputTokens?: number }
  | { error: ProviderErrorType; status?: number; retryable: boolean; escalate: boolean; retryAfterMs?: number };

export const answer = (text: string): ScriptedStep => ({ text });
export const http500: ScriptedStep = { error: "server_error", status: 500, retryable: true, escalate: true };
export const http429 = (retryAfterMs?: number): ScriptedStep => ({
  error: "rate_limited",
  status: 429,
  retryable: true,
  escalate: true,
  retryAfterMs,
});
export const badRequest: ScriptedStep = { error: "bad_request", status: 400, retryable: false, escalate: true };
export const aborted: ScriptedStep = { error: "aborted", retryable: false, escalate: false };

/**
 * Provider clients that play a script per model (the last step repeats), and count the calls: the
 * provider side of a unit test, with no HTTP. Calls a model has no script for answer "other".
 */
export function scriptedProviders(scripts: Record<string, ScriptedStep[]>) {
  const calls: { model: string; request: CompletionRequest }[] = [];
  const clientFor = (name: ProviderName): ProviderClient => ({
    name,
    async complete(model: ModelConfig, request: CompletionRequest): Promise<Completion> {
      const script = scripts[model.model] ?? [answer("other")];
      const step = script[Math.min(calls.filter((call) => call.model === model.model).length, script.length - 1)]!;
      calls.push({ model: model.model, request });
      if ("error" in step) {
        throw new ProviderError(name, step.error, `${step.status ?? step.error} from ${model.model}`, {
          httpStatus: step.status,
          retryable: step.retryable,
          escalate: step.escalate,
          retryAfterMs: step.retryAfterMs,
        });
      }
      const usage = {
        inputTokens: step.inputTokens ?? 100,
        outputTokens: step.outputTokens ?? 5,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        cacheWrite1hTokens: 0,
      };
      return { text: step.text, usage };
    },
  });
  const registry = new Map<ProviderName, ProviderClient>([
    ["openai", clientFor("openai")],
    ["anthropic", clientFor("anthropic")],
  ]);
  return { registry, calls, callsTo: (model: string) => calls.filter((call) => call.model === model).length };
}

/** A manual clock, in milliseconds. */
export function manualClock(startMs = Date.parse("2026-11-01T00:00:00Z")) {
  let nowMs = startMs;
  return { nowMs: () => nowMs, now: () => new Date(nowMs), advance: (ms: number) => void (nowMs += ms) };
}

/** The in-memory deps a tier or intake processor takes, with a LiveConfig over scripted providers. */
export function inMemoryStage(config: RouterConfig, scripts: Record<string, ScriptedStep[]> = {}) {
  const clock = manualClock();
  const providers = scriptedProviders(scripts);
  const live: IntakeLiveConfig = {
    config,
    priceBook: buildPriceBook(config),
    providers: providers.registry,
    classifier: loadClassifier(config),
    version: 1,
  };
  const forwarded: { tier: string; job: TierJobInput }[] = [];
  const sleeps: number[] = [];
  let liveReads = 0;
  const deps = {
    live: () => {
      liveReads++;
      return current.live;
    },
    ledger: createInMemoryLedgerWriter(),
    journal: createInMemoryRequestJournal({ now: clock.nowMs }),
    gate: createInMemoryModelGate({
      settings: () => ({ circuitBreaker: current.live.config.circuitBreaker, defaultCooldownMs: current.live.config.rateLimitCooldownMs }),
      now: clock.nowMs,
    }),
    forward: async (tier: string, job: TierJobInput) => void forwarded.push({ tier, job }),
    logger: createLogger("silent"),
    metrics: createMetrics(),
    now: clock.now,
    random: () => 0.5,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  };
  const current = { live };
  return {
    deps,
    clock,
    providers,
    forwarded,
    sleeps,
    liveReads: () => liveReads,
    /** Swaps the config in force, as a reload does. */
    reload: (next: IntakeLiveConfig) => void (current.live = next),
    live,
  };
}
