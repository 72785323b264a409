import type { Redis } from "ioredis";
import type { GateRefusal } from "./model-gate.js";
import { batchWaitsKey } from "../queue/redis-keys.js";

/** One busy model a deferred job waits on, and until when it said it would be. */
export interface WaitedModel {
  model: string;
  reason: GateRefusal["reason"];
  untilMs: number;
}

/** Why one job of a batch waits: written at each deferral, so `batch ID` and the dashboard can say. */
export interface JobWait {
  requestId: string;
  tier: string;
  /** When the job comes back to look again (the end of this deferral). */
  untilMs: number;
  /** How long it has waited for busy models so far, and the most it may (its maxWait, or the config's). */
  waitedMs: number;
  maxWaitMs: number;
  models: WaitedModel[];
}

/**
 * The batch's deferred jobs, one hash field each (guards' Redis state, keyed in queue/redis-keys.ts).
 * A job's field is replaced at each deferral and deleted when it moves on; one the deleting missed
 * (a worker that died) is ignored once its deferral is long over, and the key expires on its own.
 */
export interface JobWaits {
  record(batchId: string, wait: JobWait): Promise<void>;
  clear(batchId: string, requestId: string): Promise<void>;
  /** Up to `limit` of the batch's entries (read in pages), and how many there are in all. */
  read(batchId: string, limit: number): Promise<{ waits: JobWait[]; total: number }>;
}

/** How long the batch's hash outlives its last write: long past any deferral (a deferral is at most seconds). */
const WAITS_TTL_MS = 10 * 60_000;
const SCAN_PAGE = 1_000;

export function createJobWaits(deps: { redis: Redis; prefix: string }): JobWaits {
  const key = (batchId: string) => batchWaitsKey(deps.prefix, batchId);
  return {
    async record(batchId, wait) {
      // One MULTI (a write and a TTL, nothing read): no script needed.
      await deps.redis.multi().hset(key(batchId), wait.requestId, JSON.stringify(wait)).pexpire(key(batchId), WAITS_TTL_MS).exec();
    },
    async clear(batchId, requestId) {
      await deps.redis.hdel(key(batchId), requestId);
    },
    async read(batchId, limit) {
      const total = await deps.redis.hlen(key(batchId));
      const waits: JobWait[] = [];
      let cursor = "0";
      do {
        const [next, flat] = await deps.redis.hscan(key(batchId), cursor, "COUNT", SCAN_PAGE);
        cursor = next;
        for (let index = 1; index < flat.length && waits.length < limit; index += 2) {
          const wait = parseWait(flat[index]!);
          if (wait) waits.push(wait);
        }
      } while (cursor !== "0" && waits.length < limit);
      return { waits, total };
    },
  };
}

function parseWait(text: string): JobWait | undefined {
  try {
    const value = JSON.parse(text) as JobWait;
    return typeof value.requestId === "string" && Array.isArray(value.models) ? value : undefined;
  } catch {
    return undefined;
  }
}
