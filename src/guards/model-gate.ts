import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { CircuitBreakerConfig, ModelConfig } from "../config/router-config-schema.js";
import { ACQUIRE_SCRIPT, REPORT_SCRIPT } from "./circuit-scripts.js";

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

type CircuitRedis = Redis & {
  llmRouterCircuitAcquire(prefix: string, probeTtlMs: number): Promise<[string, number, number]>;
  llmRouterCircuitReport(prefix: string, ...args: (string | number)[]): Promise<string>;
};

export function createModelGate(options: ModelGateOptions): ModelGate {
  const redis = options.redis as CircuitRedis;
  if (typeof redis.llmRouterCircuitAcquire !== "function") {
    redis.defineCommand("llmRouterCircuitAcquire", { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
    redis.defineCommand("llmRouterCircuitReport", { numberOfKeys: 1, lua: REPORT_SCRIPT });
  }
  const now = options.now ?? Date.now;
  const limiters = new Map<string, { rpm?: RateLimiterRedis; tpm?: RateLimiterRedis }>();
  // Hash tag: all of one model's keys land in one slot, should this ever run on Redis Cluster.
  const keyOf = (model: ModelConfig) => `${options.prefix}:model:{${model.provider}:${model.model}}`;

  const limitersFor = (model: ModelConfig) => {
    const key = keyOf(model);
    // Keyed by the limits too: a reload that changes rpm/tpm gets limiters with the new budget.
    const cacheKey = `${key}:${model.rpm ?? "-"}:${model.tpm ?? "-"}`;
    let found = limiters.get(cacheKey);
    if (!found) {
      const make = (points: number, kind: string) =>
        new RateLimiterRedis({ storeClient: options.redis, keyPrefix: `${key}:${kind}`, points, duration: 60 });
      found = { rpm: model.rpm ? make(model.rpm, "rpm") : undefined, tpm: model.tpm ? make(model.tpm, "tpm") : undefined };
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

  // Successful calls not yet added to the Redis window, per model key.
  const unreported = new Map<string, number>();
  let flushTimer: NodeJS.Timeout | undefined;
  const sendReport = async (key: string, failed: boolean, probe: boolean) => {
    const successes = unreported.get(key) ?? 0;
    unreported.delete(key);
    const config = options.settings().circuitBreaker;
    await redis.llmRouterCircuitReport(
      key,
      failed ? "1" : "0",
      probe ? "1" : "0",
      now(),
      Math.max(1, Math.floor(config.windowMs / WINDOW_BUCKETS)),
      WINDOW_BUCKETS,
      config.minCalls,
      config.failureRate,
      config.openMs,
      successes,
    );
  };
  const flushSoon = () => {
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      for (const key of [...unreported.keys()]) void sendReport(key, false, false).catch(() => {});
    }, SUCCESS_FLUSH_MS);
    flushTimer.unref();
  };

  return {
    async admit(model, estimatedTokens) {
      const key = keyOf(model);
      const [state, waitMs, coolingProbe] = await redis.llmRouterCircuitAcquire(key, model.timeoutMs + 5_000);
      if (state === "cooling") return { admitted: false, reason: "cooling_down", retryInMs: Number(waitMs) };
      if (state === "open") return { admitted: false, reason: "circuit_open", retryInMs: Number(waitMs) };
      const { rpm, tpm } = limitersFor(model);
      const refusal = async (reason: GateRefusal["reason"], retryInMs: number): Promise<GateRefusal> => {
        // A probe that never runs must not hold its slot until the key expires.
        if (state === "probe") await options.redis.del(`${key}:probe`);
        if (coolingProbe === 1) await options.redis.del(`${key}:cprobe`);
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
      return { admitted: true, probe: state === "probe", coolingProbe: coolingProbe === 1 };
    },

    async report(model, health, { probe, coolingProbe, retryAfterMs }) {
      const key = keyOf(model);
      if (health === "rate_limited") {
        const coolMs = Math.max(1, retryAfterMs ?? options.settings().defaultCooldownMs);
        await options.redis
          .multi()
          .set(`${key}:cooldown`, "1", "PX", coolMs)
          // Remembered past the cool-down (until a call gets through), so its end admits one call first.
          .set(`${key}:cooled`, "1", "PX", Math.max(60_000, coolMs * 10))
          .del(`${key}:cprobe`)
          .exec();
      } else if (coolingProbe) {
        await options.redis.del(`${key}:cooled`, `${key}:cprobe`);
      }
      // A 429 says "busy", not "broken": it cools the model down but is no failure for the circuit.
      if ((health === "neutral" || health === "rate_limited") && !probe) return;
      if (health === "ok" && !probe) {
        // Successes only feed the failure rate's denominator: count them here, send them in batches.
        unreported.set(key, (unreported.get(key) ?? 0) + 1);
        flushSoon();
        return;
      }
      await sendReport(key, health === "failed", probe);
    },

    async inspect(model) {
      const key = keyOf(model);
      const [open, tripped, cooling] = await Promise.all([
        options.redis.exists(`${key}:open`),
        options.redis.exists(`${key}:tripped`),
        options.redis.pttl(`${key}:cooldown`),
      ]);
      return { circuitOpen: open === 1 || tripped === 1, coolingDownMs: Math.max(0, cooling) };
    },
  };
}
