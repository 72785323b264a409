import type { ModelConfig } from "../config/router-config-schema.js";
import type { GateRefusal, ModelGate, ModelGateSettings } from "./model-gate.js";
import { COOLING_PROBE_RECHECK_MS } from "./gate-scripts/admit.js";

/**
 * The ModelGate of one process, without Redis: the same rules as createModelGate (rpm/tpm per
 * minute, the cool-down after a 429 with one call first when it ends, the circuit breaker with its
 * sliding window and one half-open probe), kept in memory. Right for a single process (the demo,
 * unit tests); across pods only the Redis gate shares one limit.
 */

export interface InMemoryModelGateOptions {
  /** Read on every use, so a config reload applies at once. */
  settings: () => ModelGateSettings;
  /** Milliseconds. Default Date.now. */
  now?: () => number;
}

/** Same as the Redis gate: the circuit's window is counted in this many buckets. */
const WINDOW_BUCKETS = 10;
/** The rpm/tpm window, as rate-limiter-flexible's `duration: 60`. */
const LIMIT_WINDOW_MS = 60_000;
/** How long a probe may be out before another call may take its place: the call's timeout and some. */
const PROBE_SLACK_MS = 5_000;

interface LimitWindow {
  startMs: number;
  used: number;
}

/** A model's state; a timestamp field is "set" while `now < it` (a key with a TTL in the Redis gate). */
interface ModelState {
  cooldownUntil: number;
  /** From a 429 until a call gets through: a cool-down's end lets one call go first. */
  cooledUntil: number;
  coolingProbeUntil: number;
  openUntil: number;
  /** From a trip until a probe succeeds. */
  trippedUntil: number;
  probeUntil: number;
  /** bucket number → calls and failures in it. */
  buckets: Map<number, { calls: number; failures: number }>;
  limits: Map<string, LimitWindow>;
}

export function createInMemoryModelGate(options: InMemoryModelGateOptions): ModelGate {
  const now = options.now ?? Date.now;
  const models = new Map<string, ModelState>();
  const stateOf = (model: ModelConfig): ModelState => {
    const key = `${model.provider}:${model.model}`;
    let state = models.get(key);
    if (!state) {
      state = {
        cooldownUntil: 0,
        cooledUntil: 0,
        coolingProbeUntil: 0,
        openUntil: 0,
        trippedUntil: 0,
        probeUntil: 0,
        buckets: new Map(),
        limits: new Map(),
      };
      models.set(key, state);
    }
    return state;
  };

  /** Consumes `points` from a fixed one-minute window; a refusal says how long until it resets. */
  const consume = (state: ModelState, kind: string, limit: number, points: number, at: number): number | undefined => {
    // Keyed by the limit too: a reload that changes rpm/tpm starts a window with the new budget.
    const key = `${kind}:${limit}`;
    let window = state.limits.get(key);
    if (!window || at >= window.startMs + LIMIT_WINDOW_MS) {
      window = { startMs: at, used: 0 };
      state.limits.set(key, window);
    }
    // Like rate-limiter-flexible: a refused call still counts against the window.
    window.used += points;
    return window.used > limit ? Math.max(window.startMs + LIMIT_WINDOW_MS - at, 1) : undefined;
  };

  const bucketMs = () => Math.max(1, Math.floor(options.settings().circuitBreaker.windowMs / WINDOW_BUCKETS));

  const trip = (state: ModelState, at: number) => {
    const { openMs } = options.settings().circuitBreaker;
    state.openUntil = at + openMs;
    state.trippedUntil = at + openMs * 20;
  };

  const recordCall = (state: ModelState, failed: boolean, at: number) => {
    const size = bucketMs();
    const current = Math.floor(at / size);
    for (const bucket of state.buckets.keys()) if (bucket <= current - WINDOW_BUCKETS) state.buckets.delete(bucket);
    const counts = state.buckets.get(current) ?? { calls: 0, failures: 0 };
    counts.calls += 1;
    if (failed) counts.failures += 1;
    state.buckets.set(current, counts);
    if (!failed || state.trippedUntil > at) return;
    let calls = 0;
    let failures = 0;
    for (const bucket of state.buckets.values()) {
      calls += bucket.calls;
      failures += bucket.failures;
    }
    const { minCalls, failureRate } = options.settings().circuitBreaker;
    if (calls >= minCalls && failures / calls >= failureRate) {
      state.buckets.clear();
      trip(state, at);
    }
  };

  return {
    // The checks run without an await in between: one call's admission is one step, as a Lua script is.
    async admit(model, estimatedTokens) {
      const state = stateOf(model);
      const at = now();
      const probeTtlMs = model.timeoutMs + PROBE_SLACK_MS;
      if (state.cooldownUntil > at) return { admitted: false, reason: "cooling_down", retryInMs: state.cooldownUntil - at };
      let coolingProbe = false;
      if (state.cooledUntil > at) {
        if (state.coolingProbeUntil > at)
          return {
            admitted: false,
            reason: "cooling_down",
            retryInMs: Math.max(Math.min(state.coolingProbeUntil - at, COOLING_PROBE_RECHECK_MS), 1),
          };
        state.coolingProbeUntil = at + probeTtlMs;
        coolingProbe = true;
      }
      let probe = false;
      // A refused call must not hold a probe slot it will never use.
      const refuse = (reason: GateRefusal["reason"], retryInMs: number): GateRefusal => {
        if (coolingProbe) state.coolingProbeUntil = 0;
        if (probe) state.probeUntil = 0;
        return { admitted: false, reason, retryInMs };
      };
      if (state.openUntil > at) return refuse("circuit_open", state.openUntil - at);
      if (state.trippedUntil > at) {
        if (state.probeUntil > at) return refuse("circuit_open", Math.max(state.probeUntil - at, 1));
        state.probeUntil = at + probeTtlMs;
        probe = true;
      }
      if (model.rpm) {
        const wait = consume(state, "rpm", model.rpm, 1, at);
        if (wait !== undefined) return refuse("rpm_limit", wait);
      }
      if (model.tpm) {
        // A call larger than the whole minute's budget could never pass: let it through alone.
        const wait = consume(state, "tpm", model.tpm, Math.min(estimatedTokens, model.tpm), at);
        if (wait !== undefined) return refuse("tpm_limit", wait);
      }
      return { admitted: true, probe, coolingProbe };
    },

    async report(model, health, { probe, coolingProbe, retryAfterMs }) {
      const state = stateOf(model);
      const at = now();
      if (health === "rate_limited") {
        const coolMs = Math.max(1, retryAfterMs ?? options.settings().defaultCooldownMs);
        state.cooldownUntil = at + coolMs;
        state.cooledUntil = at + Math.max(60_000, coolMs * 10);
        state.coolingProbeUntil = 0;
      } else if (coolingProbe) {
        state.cooledUntil = 0;
        state.coolingProbeUntil = 0;
      }
      // A 429 says "busy", not "broken": it cools the model down but is no failure for the circuit.
      if ((health === "neutral" || health === "rate_limited") && !probe) return;
      const failed = health === "failed";
      if (probe) {
        state.probeUntil = 0;
        if (failed) return trip(state, at);
        state.trippedUntil = 0;
        state.buckets.clear();
        return;
      }
      recordCall(state, failed, at);
    },

    async inspect(model) {
      const state = stateOf(model);
      const at = now();
      return { circuitOpen: state.openUntil > at || state.trippedUntil > at, coolingDownMs: Math.max(0, state.cooldownUntil - at) };
    },
  };
}
