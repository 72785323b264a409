import type { ProviderName } from "../config/router-config-schema.js";
import type { AttemptOutcome } from "./db/schema.js";
import type { Picodollars } from "../pricing/money.js";
import type { TokenUsage, UsageIssue } from "../pricing/usage.js";

/** One provider call, as it will be written to `attempts`. */
export interface AttemptRecord {
  id: string;
  requestId: string;
  attemptNo: number;
  tier: string;
  provider: ProviderName;
  model: string;
  outcome: AttemptOutcome;
  errorType?: string;
  httpStatus?: number;
  /** The provider's id of this call (`request-id` / `x-request-id`), answered or failed; what its support asks for. */
  providerRequestId?: string;
  /** Set on an item of a provider batch (the batch lane): its submission, `provider_batches.id`. Default: real time. */
  batch?: { providerBatchId: string; realtimeCost: Picodollars };
  latencyMs: number;
  usage: TokenUsage;
  /** Exact when the usage is the provider's; an estimate when `costEstimated`. */
  cost: Picodollars;
  /** The money on this row is an estimate (usage unusable, or an abandoned call's possibly-billed range). */
  costEstimated?: boolean;
  /** Why the provider's usage was replaced by the estimate. */
  usageIssue?: UsageIssue;
  /** Abandoned calls: what the provider may have billed (cost stays 0). */
  possiblyBilled?: PossiblyBilled;
  startedAt: Date;
  finishedAt: Date;
}

/** The exposure of a call whose outcome is unknown: its prompt at the input rate, up to that plus its max output. */
export interface PossiblyBilled {
  low: Picodollars;
  high: Picodollars;
}

/**
 * The attempt row of a call whose worker died mid-call: we know when it started, not what it cost.
 * Its cost stays 0 (nothing billed is known) and the exposure noted when it started, if any, goes to
 * the possibly-billed columns.
 */
export function abandonedAttempt(
  call: {
    id: string;
    attemptNo: number;
    tier: string;
    provider: ProviderName;
    model: string;
    startedAt: string;
    exposure?: EncodedExposure;
  },
  requestId: string,
  now: Date,
): AttemptRecord {
  return {
    id: call.id,
    requestId,
    attemptNo: call.attemptNo,
    tier: call.tier,
    provider: call.provider,
    model: call.model,
    outcome: "abandoned",
    errorType: "worker_died",
    latencyMs: Math.max(0, now.getTime() - new Date(call.startedAt).getTime()),
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 },
    cost: 0n,
    ...(call.exposure
      ? { costEstimated: true, possiblyBilled: { low: BigInt(call.exposure.lowPicodollars), high: BigInt(call.exposure.highPicodollars) } }
      : {}),
    startedAt: new Date(call.startedAt),
    finishedAt: now,
  };
}

/** PossiblyBilled as JSON (the request journal keeps it in Redis): picodollars as decimal strings. */
export interface EncodedExposure {
  lowPicodollars: string;
  highPicodollars: string;
}

/** How a request ended, as it will be written to `requests`. */
export interface RequestOutcome {
  requestId: string;
  status: "succeeded" | "failed";
  initialTier?: string;
  finalTier?: string;
  finalProvider?: string;
  finalModel?: string;
  escalations: number;
  attemptCount: number;
  classifier?: string;
  routingReason?: string;
  complexityScore?: number;
  cost: Picodollars;
  baselineCost: Picodollars;
  result?: string;
  error?: string;
  finishedAt: Date;
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

/** What intake keeps of a job for learning (`requests.routing_features`, and the text only when asked). */
export interface RoutingRecord {
  requestId: string;
  /** JSON of src/intake/trained/stored-features.ts. */
  features: unknown;
  /** Only with `routing.storePrompts: true`. */
  prompt?: string;
}
