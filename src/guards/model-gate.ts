import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { CircuitBreakerConfig, ModelConfig } from "../config/router-config-schema.js";
import { modelKeys, type ModelKeys } from "../queue/redis-keys.js";
import { ADMIT, admit } from "./gate-scripts/admit.js";
import { COOL_DOWN, coolDown } from "./gate-scripts/cool-down.js";
import { END_COOL_DOWN, endCoolDown } from "./gate-scripts/end-cool-down.js";
import { RELEASE_PROBE, releaseProbe } from "./gate-scripts/release-probe.js";
import { REPORT_CALL, reportCall } from "./gate-scripts/report-call.js";
import { defineRedisScripts } from "../queue/redis-script.js";
import { readGateTtls } from "./model-availability.js";

/** Why a model cannot take a call right now, and when it may again. */
export type GateRefusal = {
  admitted: false;
  reason: "cooling_down" | "circuit_open" | "rpm_limit" | "tpm_limit";
  retryInMs: number;
};
export type GateAdmission = {
  admitted: true;
  /** This call is the half-open circuit's one probe. */
  probe: boolean;
  /** This call is the first after a 429 cool-down; the others wait for its answer. */
  coolingProbe: boolean;
};

/** What the gate needs to hear back about an admitted call (its admission's flags). */
export type ProbeFlags = { probe: boolean; coolingProbe?: boolean };

/** How a call went, as far as the model's health is concerned. */
export type CallHealth = "ok" | "failed" | "rate_limited" | "neutral";

/**
 * The shared, cross-pod view of a model's availability: rpm/tpm budgets, the cool-down after a 429,
 * and the circuit breaker. Everything lives in Redis, so N pods share one limit instead of N×.
 * Each change of that shared state is one Lua script in gate-scripts/ (admit, release-probe,
 * cool-down, end-cool-down, report-call); every key is named in queue/redis-keys.ts.
 */
export interface ModelGate {
  admit(model: ModelConfig, estimatedTokens: number): Promise<GateAdmission | GateRefusal>;
  report(model: ModelConfig, health: CallHealth, options: ProbeFlags & { retryAfterMs?: number }): Promise<void>;
  /** For metrics and tests: 0 closed, 1 open (or half-open), and the cool-down left. */
  inspect(model: ModelConfig): Promise<{ circuitOpen: boolean; coolingDownMs: number }>;
}

export interface ModelGateSettings {
  circuitBreaker: CircuitBreakerConfig;
  /** Cool-down after a 429 without retry-after. */
  defaultCooldownMs: number;
}

export interface ModelGateOptions {
  redis: Redis;
  prefix: string;
  /** Read on every use, so a config reload applies at once. */
  settings: () => ModelGateSettings;
  now?: () => number;
}

const WINDOW_BUCKETS = 10;
/** How long successes are batched before they reach the shared window: small next to any window. */
const SUCCESS_FLUSH_MS = 200;
/** A probe (of either kind) that never reports holds its slot this much longer than the call's timeout. */
const PROBE_GRACE_MS = 5_000;

export function createModelGate(options: ModelGateOptions): ModelGate {
  const { redis } = options;
  defineRedisScripts(redis, [ADMIT, COOL_DOWN, END_COOL_DOWN, RELEASE_PROBE, REPORT_CALL]);
  const now = options.now ?? Date.now;
  const keysByModel = new Map<string, ModelKeys>();
  const keysOf = (model: ModelConfig) => {
    const id = `${model.provider}\0${model.model}`;
    let keys = keysByModel.get(id);
    if (!keys) keysByModel.set(id, (keys = modelKeys(options.prefix, model)));
    return keys;
  };
  const limiters = new Map<string, { rpm?: RateLimiterRedis; tpm?: RateLimiterRedis }>();

  const limitersFor = (model: ModelConfig, keys: ModelKeys) => {
    // Keyed by the limits too: a reload that changes rpm/tpm gets limiters with the new budget.
    const cacheKey = `${keys.rpmLimiter}:${model.rpm ?? "-"}:${model.tpm ?? "-"}`;
    let found = limiters.get(cacheKey);
    if (!found) {
      const make = (points: number, keyPrefix: string) => new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: 60 });
      found = {
        rpm: model.rpm ? make(model.rpm, keys.rpmLimiter) : undefined,
        tpm: model.tpm ? make(model.tpm, keys.tpmLimiter) : undefined,
      };
      limiters.set(cacheKey, found);
    }
    return found;
  };

  /** Consumes from a limiter; a refusal carries the wait, any other error (Redis down) propagates. */
  async function consume(limiter: RateLimiterRedis, points: number): Promise<number | undefined> {
    try {
      await limiter.consume("calls", points);
      return undefined;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(error.msBeforeNext, 1);
      throw error;
    }
  }

  // Successful calls not yet added to the Redis window, per model.
  const unreported = new Map<ModelKeys, number>();
  let flushTimer: NodeJS.Timeout | undefined;
  const sendReport = async (keys: ModelKeys, failed: boolean, wasProbe: boolean) => {
    const successes = unreported.get(keys) ?? 0;
    unreported.delete(keys);
    const config = options.settings().circuitBreaker;
    const bucketMs = Math.max(1, Math.floor(config.windowMs / WINDOW_BUCKETS));
    await reportCall(
      redis,
      keys,
      { failed, wasProbe, successes },
      {
        currentBucket: Math.floor(now() / bucketMs),
        buckets: WINDOW_BUCKETS,
        bucketTtlMs: bucketMs * (WINDOW_BUCKETS + 1),
        minCalls: config.minCalls,
        failureRate: config.failureRate,
        openMs: config.openMs,
      },
    );
  };
  const flushSoon = () => {
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      for (const keys of [...unreported.keys()]) void sendReport(keys, false, false).catch(() => {});
    }, SUCCESS_FLUSH_MS);
    flushTimer.unref();
  };

  return {
    async admit(model, estimatedTokens) {
      const keys = keysOf(model);
      const { state, waitMs, coolingProbe } = await admit(redis, keys, model.timeoutMs + PROBE_GRACE_MS);
      if (state === "cooling") return { admitted: false, reason: "cooling_down", retryInMs: waitMs };
      if (state === "open") return { admitted: false, reason: "circuit_open", retryInMs: waitMs };
      const probe = state === "probe";
      const { rpm, tpm } = limitersFor(model, keys);
      const refusal = async (reason: GateRefusal["reason"], retryInMs: number): Promise<GateRefusal> => {
        // A probe that never runs must not hold its slot until the key expires.
        if (probe || coolingProbe) await releaseProbe(redis, keys, { probe, coolingProbe });
        return { admitted: false, reason, retryInMs };
      };
      if (rpm) {
        const wait = await consume(rpm, 1);
        if (wait !== undefined) return refusal("rpm_limit", wait);
      }
      if (tpm) {
        // A call larger than the whole minute's budget could never pass: let it through alone.
        const wait = await consume(tpm, Math.min(estimatedTokens, model.tpm!));
        if (wait !== undefined) return refusal("tpm_limit", wait);
      }
      return { admitted: true, probe, coolingProbe };
    },

    async report(model, health, { probe, coolingProbe, retryAfterMs }) {
      const keys = keysOf(model);
      if (health === "rate_limited") {
        const coolMs = Math.max(1, retryAfterMs ?? options.settings().defaultCooldownMs);
        // Remembered past the cool-down (until a call gets through), so its end admits one call first.
        await coolDown(redis, keys, coolMs, Math.max(60_000, coolMs * 10));
      } else if (coolingProbe) {
        await endCoolDown(redis, keys);
      }
      // A 429 says "busy", not "broken": it cools the model down but is no failure for the circuit.
      if ((health === "neutral" || health === "rate_limited") && !probe) return;
      if (health === "ok" && !probe) {
        // Successes only feed the failure rate's denominator: count them here, send them in batches.
        unreported.set(keys, (unreported.get(keys) ?? 0) + 1);
        flushSoon();
        return;
      }
      await sendReport(keys, health === "failed", probe);
    },

    async inspect(model) {
      // The same reads as `batch ID`'s availability (model-availability.ts), one round trip.
      const [ttls] = await readGateTtls(redis, options.prefix, [model]);
      return { circuitOpen: ttls!.openMs > 0 || ttls!.tripped, coolingDownMs: Math.max(0, ttls!.coolingMs) };
    },
  };
}
