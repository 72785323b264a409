import type { Runtime } from "./runtime.js";
import { configuredRates } from "../report/query/cache-savings.js";
import { latestShippedMigration, schemaIsCurrent } from "../ledger/db/schema-version.js";
import { startHealthServer, type HealthServer } from "./health-server.js";
import { createLedgerWriter } from "../ledger/ledger-writer.js";
import { watchLedgerWrites } from "../ledger/ledger-health.js";
import { createMetrics, type Metrics } from "../observability/metrics.js";
import { deriveLiveConfig, LiveConfigHolder, watchConfigFile, type ReloadResult } from "./live-config.js";
import { registerStateGauges } from "./state-gauges.js";
import { createProviderRegistry } from "../providers/provider-registry.js";
import { createShadowStore } from "../tiers/shadow/shadow-store.js";
import { connectionAnswers, createRedisConnection } from "../queue/redis-connection.js";
import { createModelGate } from "../guards/model-gate.js";
import { createProviderSlots } from "../guards/provider-slots.js";
import { createBudgetGuard } from "../guards/budget-guard.js";
import { createRequestJournal } from "../guards/request-journal.js";
import { createCancelCheck } from "../guards/cancelled-batch.js";
import { createLedgerCommitter } from "../guards/ledger-committer.js";
import { knownStages, startStages } from "./stage-runner.js";
import { createDashboard } from "../dashboard/dashboard-app.js";
import { startFeeder } from "../feed/feeder.js";
import { createCollector } from "../batch-lane/collector.js";
import { startLaneService } from "../batch-lane/lane-service.js";
import { createBatchProviders } from "../batch-lane/batch-provider-registry.js";

export interface WorkerHandle {
  stages: string[];
  metrics: Metrics;
  health?: HealthServer;
  /** Re-reads the tiers file; a bad file is refused and the old config stays. */
  reloadConfig(trigger: string): Promise<ReloadResult>;
  /** Stop taking jobs, let running ones finish, flush the ledger. Idempotent. */
  stop(): Promise<void>;
}

export interface StartWorkerOptions {
  /** Default: every stage (intake and all tiers). */
  stages?: string[];
  /** Serve /healthz, /readyz, /metrics on this port; undefined = no server (the demo). */
  healthPort?: number;
  /** Point both SDKs at this fake provider (the demo). */
  fakeProviderUrl?: string;
  /** Reload the config when this file changes (the worker command passes its tiers file). */
  watchConfigPath?: string;
}

const SCHEMA_POLL_MS = 2_000;
/** Group commits in flight at once (the pool has 10 connections): a job's rows need not wait behind another group's. */
const LEDGER_CONCURRENT_COMMITS = 3;

/** Wires config, prices, providers, ledger and queues into running stages, registered for shutdown. */
export async function startWorker(runtime: Runtime, options: StartWorkerOptions = {}): Promise<WorkerHandle> {
  const config = await runtime.config();
  // Prices and providers are checked before any job is taken: a model with no price is a start-up error.
  const priceBook = await runtime.priceBook();
  const connect = (next: typeof config) => createProviderRegistry(runtime.env, next, options.fakeProviderUrl);
  const liveConfig = new LiveConfigHolder(
    { ...deriveLiveConfig(config, connect), config, priceBook },
    () => runtime.reloadConfig(),
    (next) => deriveLiveConfig(next, connect),
    runtime.logger,
  );
  const database = await runtime.database();
  const connection = runtime.redis();
  const metrics = createMetrics();
  const { writer: ledger, health: ledgerHealth } = watchLedgerWrites(
    createLedgerWriter(database.db, { concurrentCommits: LEDGER_CONCURRENT_COMMITS }),
    {
      onFailure: (_error, transient) => metrics.ledgerWriteFailures.inc({ kind: transient ? "transient" : "permanent" }),
    },
  );
  runtime.shutdown.register("ledger", () => ledger.close());

  const stages = options.stages ?? knownStages(config);
  let health: HealthServer | undefined;
  const shipped = await latestShippedMigration();
  let schemaCurrent = false;
  const checkSchema = async () => (schemaCurrent ||= await schemaIsCurrent(database.db, shipped));
  if (options.healthPort !== undefined) {
    // The worker's port listens on every interface: the dashboard is mounted only behind a token.
    const token = runtime.env.DASHBOARD_TOKEN;
    const dashboard = token
      ? await createDashboard({
          database,
          connection,
          prefix: runtime.env.QUEUE_PREFIX,
          tiers: config.tiers.map((tier) => tier.name),
          tierModels: config.tiers,
          cacheRates: configuredRates(config),
          token,
          basePath: "/dashboard",
        })
      : undefined;
    if (dashboard) runtime.shutdown.register("dashboard", () => dashboard.close());
    health = await startHealthServer(options.healthPort, {
      mount: dashboard ? { path: "/dashboard", handle: dashboard.handle } : undefined,
      registry: metrics.registry,
      readiness: {
        postgres: () => database.ping(),
        // A command on a connection that is down waits for it (maxRetriesPerRequest null): answer at once instead.
        redis: () => connectionAnswers(connection),
        // Once current, it stays current: no query per probe after that.
        schema: checkSchema,
        // Postgres answers but refuses our writes (a revoked grant): the jobs fail, and so does this.
        ledger: async () => ledgerHealth.failing() ?? true,
      },
    });
    runtime.shutdown.register("health server", () => health!.close());
  }
  // New code never runs on an old schema: take no job until the migration (Job) has run.
  if (!(await checkSchema())) {
    runtime.logger.warn({ expected: shipped.tag }, "database schema is behind this build; waiting for `llm-router migrate`");
    while (!(await checkSchema())) await new Promise((resolve) => setTimeout(resolve, SCHEMA_POLL_MS));
    runtime.logger.info({ schema: shipped.tag }, "database schema is current");
  }
  const prefix = runtime.env.QUEUE_PREFIX;
  const live = () => liveConfig.current;
  // The router's own small, frequent commands (journal, gate, budgets, provider slots) on an auto-pipelined connection;
  // BullMQ keeps its own connection, whose blocking commands must not share a pipeline.
  const fast = createRedisConnection(runtime.env.REDIS_URL, { autoPipelining: true });
  runtime.shutdown.register("redis (journal, gate)", async () => {
    await fast.quit().catch(() => fast.disconnect());
  });
  // Scripts on an auto-pipelined connection are defined before its first command (defineRedisScripts).
  const journal = createRequestJournal(fast, prefix);
  const gate = createModelGate({
    redis: fast,
    prefix,
    settings: () => ({ circuitBreaker: live().config.circuitBreaker, defaultCooldownMs: live().config.rateLimitCooldownMs }),
  });
  const budgets = createBudgetGuard({ redis: fast, prefix, budgets: () => live().config.budgets });
  const slots = createProviderSlots({ redis: fast, prefix, warn: (fields, message) => runtime.logger.warn(fields, message) });
  // Every process that runs a tier commits handed-off endings, its own and a dead worker's.
  const runsTiers = stages.some((stage) => config.tiers.some((tier) => tier.name === stage));
  const committer = runsTiers
    ? createLedgerCommitter({
        redis: fast,
        blocking: createRedisConnection(runtime.env.REDIS_URL),
        prefix,
        ledger,
        health: ledgerHealth,
        logger: runtime.logger,
        claimIdleMs: runtime.env.WORKER_LOCK_DURATION_MS,
        claimIntervalMs: runtime.env.WORKER_STALLED_INTERVAL_MS,
      })
    : undefined;
  // Closed after the stages (registered before them): their last hand-offs are committed first.
  if (committer) runtime.shutdown.register("ledger committer", () => committer.close());
  // The batch lane's scripts and locks on a connection of their own (a plain one: its scripts are defined at once).
  const tierStages = config.tiers.map((tier) => tier.name).filter((tier) => stages.includes(tier));
  const laneRedis = tierStages.length > 0 ? createRedisConnection(runtime.env.REDIS_URL) : undefined;
  const batchLane = laneRedis ? createCollector(laneRedis, prefix) : undefined;
  // Closed after the stages (the registry closes in reverse): a running tier job may still hold an item.
  if (laneRedis) runtime.shutdown.register("redis (batch lane)", () => laneRedis.quit().catch(() => laneRedis.disconnect()));
  const runner = await startStages(stages, {
    live,
    connection,
    prefix,
    ledger,
    journal,
    // Off: jobs commit their own rows; the committer still drains what an earlier run handed off.
    handoff: runtime.env.LEDGER_HANDOFF === "on" ? committer?.handoff : undefined,
    shadowStore: createShadowStore(database.db),
    cancelled: createCancelCheck({ redis: fast, prefix, db: database.db }),
    gate,
    slots,
    budgets,
    batchLane,
    lockDurationMs: runtime.env.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: runtime.env.WORKER_STALLED_INTERVAL_MS,
    logger: runtime.logger,
    metrics,
  });
  runtime.shutdown.register("stages", () => runner.close());
  // Every worker runs one; a Redis lock lets one feed at a time. Closed before the stages (registered after).
  const feeder = startFeeder({ db: database.db, connection, prefix, config: () => live().config, logger: runtime.logger });
  runtime.shutdown.register("feeder", () => feeder.close());
  if (laneRedis) {
    const crashAt = runtime.env.BATCH_LANE_CRASH_AT;
    const crashNow = () => {
      runtime.logger.warn({ at: crashAt }, "BATCH_LANE_CRASH_AT: killing this worker (kill -9)");
      process.kill(process.pid, "SIGKILL");
    };
    const lane = startLaneService({
      redis: laneRedis,
      prefix,
      db: database.db,
      ledger,
      providers: createBatchProviders(runtime.env, config, options.fakeProviderUrl, {
        afterUpload: crashAt === "after-upload" ? crashNow : undefined,
      }),
      lockMs: runtime.env.WORKER_LOCK_DURATION_MS,
      afterIngestedLine: crashAt === "mid-ingest" ? (ingested, items) => ingested * 2 >= items && crashNow() : undefined,
      live,
      forward: runner.forward,
      cancelled: createCancelCheck({ redis: fast, prefix, db: database.db }),
      budgets,
      logger: runtime.logger,
      tiers: tierStages,
    });
    // Registered after the stages, so closed before them (the registry closes in reverse): no new hand-offs after.
    runtime.shutdown.register("batch lane", () => lane.close());
  }
  registerStateGauges(metrics.registry, {
    queues: runner.queues,
    models: () => live().config.tiers.flatMap((tier) => tier.models),
    gate,
    budgets: { guard: budgets, features: () => live().config.budgets },
  });
  liveConfig.onChange(
    (next) =>
      void runner.applyLimits(next.config).catch((error) => runtime.logger.error({ error: String(error) }, "could not apply new limits")),
  );
  if (options.watchConfigPath) {
    const stopWatching = watchConfigFile(options.watchConfigPath, () => void liveConfig.reload("file changed"));
    runtime.shutdown.register("config watcher", async () => stopWatching());
    // The trained model is part of the config: a retrained file (same path or not) reloads it too.
    let modelWatch: { path: string; stop: () => void } | undefined;
    const watchModel = (modelFile: string | undefined) => {
      if (modelWatch?.path === modelFile) return;
      modelWatch?.stop();
      modelWatch = modelFile
        ? { path: modelFile, stop: watchConfigFile(modelFile, () => void liveConfig.reload("model file changed")) }
        : undefined;
    };
    watchModel(config.routing.modelFile);
    liveConfig.onChange((next) => watchModel(next.config.routing.modelFile));
    runtime.shutdown.register("model file watcher", async () => watchModel(undefined));
  }
  runtime.logger.info({ stages, database: database.describe, prefix: runtime.env.QUEUE_PREFIX }, "worker started");
  return {
    stages,
    metrics,
    health,
    reloadConfig: (trigger) => liveConfig.reload(trigger),
    stop: async () => {
      await feeder.close();
      await runner.close();
      await committer?.close();
      await ledger.flush();
    },
  };
}
