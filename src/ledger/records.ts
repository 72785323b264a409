import type { ProviderName } from "../config/router-config-schema.js";
import type { AttemptOutcome } from "./db/schema.js";
import type { Picodollars } from "../pricing/money.js";
import type { TokenUsage } from "../pricing/usage.js";

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
  latencyMs: number;
  usage: TokenUsage;
  cost: Picodollars;
  startedAt: Date;
  finishedAt: Date;
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
