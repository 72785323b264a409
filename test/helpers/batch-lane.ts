import { parseRouterConfig } from "../../src/config/load-config.js";
import type { JobInput } from "../../src/jobs/job-schema.js";
import { TICKET_LABELS } from "./jobs.js";

/** Two tiers, a model of each provider in each, lanes that submit as soon as 200 ms have passed. */
export function laneConfig(overrides: { cheapModels?: unknown[]; lane?: Record<string, unknown> } = {}) {
  const lane = { maxItems: 10_000, maxWaitMs: 200, minRoomMs: 1_000, pollMinMs: 20, pollMaxMs: 100, ...overrides.lane };
  return parseRouterConfig({
    tiers: [
      {
        name: "cheap",
        concurrency: 8,
        batchLane: lane,
        models: overrides.cheapModels ?? [
          { provider: "openai", model: "gpt-5-mini", timeoutMs: 2000 },
          { provider: "anthropic", model: "claude-haiku-4-5", timeoutMs: 2000 },
        ],
      },
      {
        name: "premium",
        concurrency: 8,
        batchLane: lane,
        models: [
          { provider: "anthropic", model: "claude-opus-4-7", timeoutMs: 2000 },
          { provider: "openai", model: "gpt-5.2", timeoutMs: 2000 },
        ],
      },
    ],
    routing: { thresholds: [0.99] },
    retriesPerModel: 0,
    maxRetryDelayMs: 50,
    circuitBreaker: { windowMs: 30_000, minCalls: 100_000, failureRate: 1, openMs: 1_000 },
  });
}

export const classifyJobs = (count: number, prefix: string, extra: Partial<JobInput> = {}): JobInput[] =>
  Array.from({ length: count }, (_, index) => ({
    id: `${prefix}-${index}`,
    kind: "classify" as const,
    prompt: `Ticket ${index}: I was charged twice for my subscription this month, please refund the extra charge.`,
    labels: TICKET_LABELS,
    ...extra,
  }));

/** Batch items the fake provider billed, over every model (its /stats). */
export async function fakeBilledItems(fakeUrl: string): Promise<number> {
  const stats = (await (await fetch(`${fakeUrl}/stats`)).json()) as { models: Record<string, { batch?: { billed: number } }> };
  return Object.values(stats.models).reduce((sum, model) => sum + (model.batch?.billed ?? 0), 0);
}
