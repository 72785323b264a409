import type { Redis } from "ioredis";
import type { ProviderName } from "../config/router-config-schema.js";
import type { LedgerWriter } from "../ledger/ledger-writer.js";
import type { Db } from "../ledger/db/database.js";
import type { Logger } from "../observability/logger.js";
import type { LiveConfig } from "../providers/live-config.js";
import type { TierJobInput } from "../queue/job-payloads.js";
import type { CancelCheck } from "../guards/cancelled-batch.js";
import type { BudgetGuard } from "../guards/budget-guard.js";
import type { BatchProviderClient } from "./batch-provider.js";
import { createCollector, type Collector } from "./collector.js";
import { createIngester } from "./ingester.js";
import { createPoller, type Poller } from "./poller.js";
import { providerBatchStore } from "./provider-batch-store.js";
import { createSendOn } from "./send-on.js";
import { createSubmitter } from "./submitter.js";

/** How often the submitters and pollers look (each poll of a provider batch has its own back-off). Default 500. */
const DEFAULT_TICK_MS = 500;

export interface LaneServiceDeps {
  /** A connection for the lane's own commands (scripts, locks); not BullMQ's blocking one. */
  redis: Redis;
  prefix: string;
  db: Db;
  ledger: LedgerWriter;
  providers: ReadonlyMap<ProviderName, BatchProviderClient>;
  live: () => LiveConfig;
  /** The stage runner's queue hand-off (idempotent on the job id). */
  forward: (tier: string, job: TierJobInput) => Promise<void>;
  cancelled?: CancelCheck;
  /** The budgets an item's reservation (made by the tier at hand-over) settles against. */
  budgets?: BudgetGuard;
  logger: Logger;
  /** Tiers whose lanes this process submits for (its tier stages). Pollers run in any process with a tier stage. */
  tiers: readonly string[];
  tickMs?: number;
  /** The submitter and poller leases; a submission's create lease is 4× this. Default 30000. */
  lockMs?: number;
  /** See IngesterDeps.afterLine. */
  afterIngestedLine?: (ingested: number, items: number) => void;
  now?: () => Date;
}

export interface LaneService {
  collector: Collector;
  /** One pass of every submitter and poller (tests drive it; the service runs it on a timer). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The batch lane of a worker process: the collector the tier stages hold jobs in, a submitter per
 * tier and model of its stages (one across pods, by lock), a poller per provider (one across pods).
 */
export function startLaneService(deps: LaneServiceDeps, options: { timer?: boolean } = {}): LaneService {
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger.child({ component: "batch-lane" });
  const collector = createCollector(deps.redis, deps.prefix);
  const store = providerBatchStore(deps.db);
  const stop = new AbortController();
  const sendOn = createSendOn({ ...deps, collector, logger, now, signal: stop.signal });
  const lockMs = deps.lockMs ?? 30_000;
  const submitter = createSubmitter({ ...deps, collector, store, sendOn, logger, now, lockMs });
  const ingest = createIngester({
    live: deps.live,
    collector,
    store,
    sendOn,
    ledger: deps.ledger,
    logger,
    now,
    signal: stop.signal,
    afterLine: deps.afterIngestedLine,
  });
  const pollers: Poller[] = [...deps.providers.values()].map((client) =>
    createPoller({ redis: deps.redis, prefix: deps.prefix, store, client, submitter, ingest, live: deps.live, logger, now, lockMs }),
  );

  async function submitAll(): Promise<void> {
    const config = deps.live().config;
    for (const tier of config.tiers) {
      if (!deps.tiers.includes(tier.name)) continue;
      for (const model of tier.models) {
        if (!model.batchApi) continue;
        await submitter
          .tick(tier, model)
          .catch((error: unknown) =>
            logger.warn({ tier: tier.name, model: model.model, error: String(error) }, "batch submitter: tick failed; retried next tick"),
          );
      }
    }
  }
  async function pollAll(): Promise<void> {
    for (const poller of pollers) {
      await poller.tick().catch((error: unknown) => logger.warn({ error: String(error) }, "batch poller: tick failed; retried next tick"));
    }
  }
  async function tick(): Promise<void> {
    await submitAll();
    await pollAll();
  }

  // Two loops: a long ingest must not hold back submissions (nor let the submitter's lease lapse).
  const running: Promise<void>[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const loop = (pass: () => Promise<void>) => {
    if (stop.signal.aborted) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const done = pass().finally(() => {
        running.splice(running.indexOf(done), 1);
        loop(pass);
      });
      running.push(done);
    }, deps.tickMs ?? DEFAULT_TICK_MS);
    timers.add(timer);
  };
  if (options.timer !== false) {
    loop(submitAll);
    loop(pollAll);
  }

  let closing: Promise<void> | undefined;
  return {
    collector,
    tick,
    close: () =>
      (closing ??= (async () => {
        stop.abort();
        for (const timer of timers) clearTimeout(timer);
        await Promise.all(running.map((pass) => pass.catch(() => {})));
        await Promise.all([...pollers.map((poller) => poller.release().catch(() => {})), submitter.release()]);
      })()),
  };
}
