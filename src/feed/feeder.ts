import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { RouterConfig } from "../config/router-config-schema.js";
import type { Db } from "../ledger/db/database.js";
import type { Logger } from "../observability/logger.js";
import { INTAKE_QUEUE, INTAKE_STAGE, tierQueueName } from "../queue/queue-names.js";
import { feedLockKey } from "../queue/redis-keys.js";
import { createFeedLock } from "./feed-lock.js";
import { feedStage } from "./feed-stage.js";
import { heldTiers, mayFeedTier, reestablishTierLimits } from "./reestablish-limits.js";
import { batchLanesOf, recoverLostJobs } from "./recover-lost.js";
import { windowRoom } from "./window-room.js";

export interface FeederDeps {
  db: Db;
  /** BullMQ's connection (no auto-pipelining: the lock's scripts are defined on it): queues, lock, recovery check. */
  connection: Redis;
  prefix: string;
  /** The config in force; read once per tick (window, timings, tiers and their limits). */
  config: () => RouterConfig;
  logger: Logger;
  /** Called after each tick that held the lock, with what it did (tests, metrics). */
  onTick?: (tick: FeedTick) => void;
}

export interface FeedTick {
  /** Jobs each stage's queue held (waiting, delayed, running) before this tick fed it. */
  held: Map<string, number>;
  /** Jobs added per stage this tick. */
  fed: Map<string, number>;
  /** Tiers whose concurrency limit had to be set again. */
  limitsFixed: string[];
  /** Requests found lost and marked unfed (only on a recovery tick). */
  recovered: number;
}

/** Does Postgres say any job is in Redis now (queued and fed)? One probe of requests_fed_queued_idx. */
export interface Feeder {
  /** Stops ticking, waits for the tick in progress, gives the lock up. Idempotent. */
  close(): Promise<void>;
}

/** Outlives a holder's last renewal this long: a dead feeder's pod is replaced within it. */
const LOCK_TTL_MS = 5_000;
/** At most one warning per this long while ticks keep failing (Redis or Postgres down). */
const WARN_EVERY_MS = 10_000;
/** Job states that hold a place in the window. Completed and failed jobs have left it. */
const WINDOW_STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children"] as const;

/**
 * The feeder: keeps each stage's Redis window (`queue.window` jobs) full from the Postgres backlog.
 * Every worker process runs one; a Redis lock lets one tick at a time across pods (the others keep
 * trying, and one takes over within LOCK_TTL_MS of the holder's death). A tick, every
 * `queue.feedIntervalMs`: re-assert the tiers' concurrency limits, count each window, add what fits
 * (feed-stage.ts), and every `queue.recoverCheckMs` look for jobs Redis lost (recover-lost.ts).
 *
 * Triggered by a timer, not by completion events: one count per stage per tick is cheaper than an
 * event per job, and a window larger than throughput × interval never drains between two ticks.
 */
export function startFeeder(deps: FeederDeps): Feeder {
  const owner = `${process.pid}-${randomUUID()}`;
  const lock = createFeedLock(deps.connection, feedLockKey(deps.prefix), owner, LOCK_TTL_MS);
  const queues = new Map<string, Queue>();
  const queueOf = (stage: string) => {
    let queue = queues.get(stage);
    if (!queue) {
      queue = new Queue(stage === INTAKE_STAGE ? INTAKE_QUEUE : tierQueueName(stage), { connection: deps.connection, prefix: deps.prefix });
      // Errors reject the tick in progress, which reports them.
      queue.on("error", () => {});
      queues.set(stage, queue);
    }
    return queue;
  };
  let lastRecovery = Date.now();
  let lastWarning = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function tick(): Promise<void> {
    if (!(await lock.hold())) return;
    const config = deps.config();
    const limits = await reestablishTierLimits({ db: deps.db, redis: deps.connection, prefix: deps.prefix }, config, queueOf);
    const limitsFixed = limits.fixed;
    if (limits.held.length > 0) {
      deps.logger.warn(
        { tiers: limits.held },
        "tier concurrency limits were missing in Redis (it lost its data); set again, and these tiers are fed again once the calls in flight before have ended",
      );
    } else if (limitsFixed.length > 0) deps.logger.info({ tiers: limitsFixed }, "tier concurrency limits set");
    const stages = [INTAKE_STAGE, ...config.tiers.map((tier) => tier.name)];
    const held = new Map<string, number>();
    for (const stage of stages) {
      const counts = await queueOf(stage).getJobCounts(...WINDOW_STATES);
      held.set(
        stage,
        Object.values(counts).reduce((sum, count) => sum + count, 0),
      );
    }
    const fed = new Map<string, number>();
    // Held by whoever found the limit lost (this feeder, another one, or `recover`).
    const heldBack = await heldTiers(
      deps.connection,
      deps.prefix,
      config.tiers.map((tier) => tier.name),
    );
    for (const [stage, room] of windowRoom(config.queue.window, held)) {
      // Intake's jobs go on to the tiers: it waits while any tier does.
      const waiting = stage === INTAKE_STAGE ? heldBack.size > 0 : heldBack.has(stage);
      if (room > 0 && !waiting) {
        const queue = queueOf(stage);
        const mayFeed = stage === INTAKE_STAGE ? undefined : () => mayFeedTier(deps.connection, deps.prefix, queue, stage);
        fed.set(stage, await feedStage(deps.db, stage, queue, room, mayFeed));
      }
    }
    let recovered = 0;
    if (Date.now() - lastRecovery >= config.queue.recoverCheckMs) {
      lastRecovery = Date.now();
      const report = await recoverLostJobs(
        {
          db: deps.db,
          redis: deps.connection,
          prefix: deps.prefix,
          queueNames: stages.map((stage) => queueOf(stage).name),
          lanes: batchLanesOf(config),
        },
        config.queue.recoverAfterMs,
      );
      recovered = report.lostCount;
      if (recovered > 0) deps.logger.warn({ recovered, examples: report.lost.slice(0, 5) }, "jobs Redis lost were fed again");
    }
    deps.onTick?.({ held, fed, limitsFixed, recovered });
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => {
          if (Date.now() - lastWarning < WARN_EVERY_MS) return;
          lastWarning = Date.now();
          deps.logger.warn({ error: String(error) }, "feeder tick failed; retrying");
        })
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, deps.config().queue.feedIntervalMs);
  };
  schedule();

  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await running;
        await lock.release().catch(() => {});
        await Promise.all([...queues.values()].map((queue) => queue.close()));
      })()),
  };
}
