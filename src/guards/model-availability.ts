import type { Redis } from "ioredis";
import { modelKeys } from "../queue/redis-keys.js";

/** What the model gate's Redis state says of one model now, for people (`batch ID`, the dashboard). */
export interface ModelAvailability {
  provider: string;
  model: string;
  state: "available" | "cooling_down" | "circuit_open" | "half_open";
  /** For cooling_down and circuit_open: when it may take calls again. */
  untilMs?: number;
}

/** The gate's keys of one model, as read (PTTL: -2 when the key is absent): decided by availabilityOf. */
export interface GateTtls {
  coolingMs: number;
  openMs: number;
  tripped: boolean;
}

/** Cooling down wins (the gate checks it first); a tripped circuit past its open time lets one probe through. Pure. */
export function availabilityOf(model: { provider: string; model: string }, ttls: GateTtls, nowMs: number): ModelAvailability {
  const base = { provider: model.provider, model: model.model };
  if (ttls.coolingMs > 0) return { ...base, state: "cooling_down", untilMs: nowMs + ttls.coolingMs };
  if (ttls.openMs > 0) return { ...base, state: "circuit_open", untilMs: nowMs + ttls.openMs };
  if (ttls.tripped) return { ...base, state: "half_open" };
  return { ...base, state: "available" };
}

/**
 * Reads the gate's keys of each model (cooling down for, open for, tripped; three reads a model, one
 * round trip): what availabilityOf decides from, and what ModelGate.inspect reports to the metrics.
 */
export async function readGateTtls(
  redis: Redis,
  prefix: string,
  models: readonly { provider: string; model: string }[],
): Promise<GateTtls[]> {
  if (models.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const model of models) {
    const keys = modelKeys(prefix, model);
    pipeline.pttl(keys.cooldown).pttl(keys.open).exists(keys.tripped);
  }
  const results = (await pipeline.exec()) ?? [];
  const value = (index: number) => {
    const [error, result] = results[index] ?? [null, 0];
    if (error) throw error;
    return Number(result);
  };
  return models.map((_, index) => ({ coolingMs: value(3 * index), openMs: value(3 * index + 1), tripped: value(3 * index + 2) === 1 }));
}

/** Reads the gate's state of each model, for people. */
export async function readModelAvailability(
  redis: Redis,
  prefix: string,
  models: readonly { provider: string; model: string }[],
  nowMs = Date.now(),
): Promise<ModelAvailability[]> {
  const ttls = await readGateTtls(redis, prefix, models);
  return models.map((model, index) => availabilityOf(model, ttls[index]!, nowMs));
}
