import type { Redis } from "ioredis";
import { laneKeys, type LaneKeys } from "../queue/redis-keys.js";
import { defineRedisScripts, runRedisScript } from "../queue/redis-script.js";
import type { BatchLaneHook, LaneItem } from "../tiers/batch-lane-hook.js";
import { LANE_CLAIM, LANE_HOLD, LANE_ITEM_DONE, LANE_RESTORE, LANE_SCRIPTS, LANE_UNCLAIM } from "./lane-scripts.js";

/** One lane: a tier and one of its models. */
export interface LaneId {
  tier: string;
  provider: string;
  model: string;
}

export const laneOf = (item: Pick<LaneItem, "tier" | "provider" | "model">): LaneId => ({
  tier: item.tier,
  provider: item.provider,
  model: item.model,
});

/**
 * The waiting sets of the batch lanes, in Redis: what a tier holds, what a submitter claims, what
 * reconciliation gives back, what the ingester marks done. Every change is one script (lane-scripts.ts).
 */
export interface Collector extends BatchLaneHook {
  keys(lane: LaneId): LaneKeys;
  /** Claims up to `maxItems` (and `maxBytes`) when that many wait or the oldest waited `maxWaitMs`; [] otherwise. */
  claim(
    lane: LaneId,
    submissionId: string,
    limits: { maxItems: number; maxBytes: number; maxWaitMs: number },
    nowMs: number,
  ): Promise<LaneItem[]>;
  /** Submissions claimed before `olderThanMs` whose row may not exist (the caller checks Postgres). */
  staleClaims(lane: LaneId, olderThanMs: number): Promise<string[]>;
  /** The row is written: the claim is no longer needed. */
  claimRecorded(lane: LaneId, submissionId: string): Promise<void>;
  unclaim(lane: LaneId, submissionId: string, nowMs: number): Promise<number>;
  /** A submission's items still to ingest (not done), by attempt id. */
  pendingItems(lane: LaneId, submissionId: string): Promise<Map<string, LaneItem>>;
  /** One item, or "done", or undefined (unknown custom_id). */
  item(lane: LaneId, submissionId: string, attemptId: string): Promise<LaneItem | "done" | undefined>;
  /** Marks an item done, optionally handing it to another lane in the same step. False: it was done already. */
  done(lane: LaneId, submissionId: string, item: LaneItem, next?: LaneItem, nowMs?: number): Promise<boolean>;
  /** Whether Redis still has this submission's hash (false after a flush, or once it was forgotten). */
  hasSubmission(lane: LaneId, submissionId: string): Promise<boolean>;
  /** Writes stored items back (HSETNX: nothing Redis knows is overwritten); done ones as "done". Returns those restored not done. */
  restore(lane: LaneId, submissionId: string, items: readonly { item: LaneItem; done: boolean }[]): Promise<number>;
  /** Forgets an ended submission's items. */
  forget(lane: LaneId, submissionId: string): Promise<void>;
  /** Items waiting in a lane (not yet submitted). */
  waitingCount(lane: LaneId): Promise<number>;
}

export function createCollector(redis: Redis, prefix: string): Collector {
  const keys = (lane: LaneId) => laneKeys(prefix, lane);
  // Before any command on the connection (an auto-pipeline copies the scripts it knows when created).
  defineRedisScripts(redis, LANE_SCRIPTS);
  return {
    keys,
    async hold(item) {
      const k = keys(laneOf(item));
      return (
        (await runRedisScript(
          redis,
          LANE_HOLD,
          [k.waiting, k.order, k.held],
          [item.job.requestId, item.attemptId, JSON.stringify(item), Date.parse(item.heldAt)],
        )) === 1
      );
    },
    async claim(lane, submissionId, limits, nowMs) {
      const k = keys(lane);
      const taken = (await runRedisScript(
        redis,
        LANE_CLAIM,
        [k.waiting, k.order, k.submission(submissionId), k.claimed],
        [submissionId, limits.maxItems, limits.maxBytes, nowMs, limits.maxWaitMs],
      )) as string[];
      return taken.map((json) => JSON.parse(json) as LaneItem);
    },
    async staleClaims(lane, olderThanMs) {
      return redis.zrangebyscore(keys(lane).claimed, "-inf", olderThanMs);
    },
    async claimRecorded(lane, submissionId) {
      await redis.zrem(keys(lane).claimed, submissionId);
    },
    async unclaim(lane, submissionId, nowMs) {
      const k = keys(lane);
      return (await runRedisScript(
        redis,
        LANE_UNCLAIM,
        [k.waiting, k.order, k.submission(submissionId), k.claimed],
        [submissionId, nowMs],
      )) as number;
    },
    async pendingItems(lane, submissionId) {
      const all = await redis.hgetall(keys(lane).submission(submissionId));
      const items = new Map<string, LaneItem>();
      for (const [attemptId, json] of Object.entries(all)) if (json !== "done") items.set(attemptId, JSON.parse(json) as LaneItem);
      return items;
    },
    async item(lane, submissionId, attemptId) {
      const json = await redis.hget(keys(lane).submission(submissionId), attemptId);
      if (json === null) return undefined;
      return json === "done" ? "done" : (JSON.parse(json) as LaneItem);
    },
    async done(lane, submissionId, item, next, nowMs) {
      const k = keys(lane);
      const baseKeys = [k.submission(submissionId), k.held];
      const baseArgs = [item.attemptId, item.job.requestId];
      if (!next) return (await runRedisScript(redis, LANE_ITEM_DONE, baseKeys, baseArgs)) === 1;
      const n = keys(laneOf(next));
      return (
        (await runRedisScript(
          redis,
          LANE_ITEM_DONE,
          [...baseKeys, n.waiting, n.order, n.held],
          [...baseArgs, next.attemptId, JSON.stringify(next), nowMs ?? Date.now()],
        )) === 1
      );
    },
    async hasSubmission(lane, submissionId) {
      return (await redis.exists(keys(lane).submission(submissionId))) === 1;
    },
    async restore(lane, submissionId, items) {
      if (items.length === 0) return 0;
      const k = keys(lane);
      const args = items.flatMap(({ item, done }) => [item.attemptId, item.job.requestId, done ? "done" : JSON.stringify(item)]);
      return (await runRedisScript(redis, LANE_RESTORE, [k.submission(submissionId), k.held], args)) as number;
    },
    async forget(lane, submissionId) {
      await redis.del(keys(lane).submission(submissionId));
    },
    async waitingCount(lane) {
      return redis.zcard(keys(lane).order);
    },
  };
}
