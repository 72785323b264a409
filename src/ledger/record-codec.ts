import type { AttemptRecord, RequestOutcome } from "./records.js";

/**
 * JSON for records kept in Redis between a provider call and its Postgres row: bigint money becomes
 * a decimal string and dates ISO strings, and both come back exactly.
 */
export function encodeAttempt(record: AttemptRecord): string {
  return JSON.stringify({
    ...record,
    cost: record.cost.toString(),
    ...(record.possiblyBilled
      ? { possiblyBilled: { low: record.possiblyBilled.low.toString(), high: record.possiblyBilled.high.toString() } }
      : {}),
    startedAt: record.startedAt.toISOString(),
    finishedAt: record.finishedAt.toISOString(),
  });
}

export function decodeAttempt(text: string): AttemptRecord {
  const raw = JSON.parse(text) as Omit<AttemptRecord, "cost" | "possiblyBilled" | "startedAt" | "finishedAt"> & {
    cost: string;
    possiblyBilled?: { low: string; high: string };
    startedAt: string;
    finishedAt: string;
  };
  const { possiblyBilled, ...rest } = raw;
  return {
    ...rest,
    cost: BigInt(raw.cost),
    ...(possiblyBilled ? { possiblyBilled: { low: BigInt(possiblyBilled.low), high: BigInt(possiblyBilled.high) } } : {}),
    startedAt: new Date(raw.startedAt),
    finishedAt: new Date(raw.finishedAt),
  };
}

export function encodeOutcome(outcome: RequestOutcome): string {
  return JSON.stringify({
    ...outcome,
    cost: outcome.cost.toString(),
    baselineCost: outcome.baselineCost.toString(),
    finishedAt: outcome.finishedAt.toISOString(),
  });
}

export function decodeOutcome(text: string): RequestOutcome {
  const raw = JSON.parse(text) as Omit<RequestOutcome, "cost" | "baselineCost" | "finishedAt"> & {
    cost: string;
    baselineCost: string;
    finishedAt: string;
  };
  return { ...raw, cost: BigInt(raw.cost), baselineCost: BigInt(raw.baselineCost), finishedAt: new Date(raw.finishedAt) };
}
