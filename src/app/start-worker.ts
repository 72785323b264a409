import type { Runtime } from "./runtime.js";
import { startHealthServer, type HealthServer } from "../http/health-server.js";
import { createLedgerWriter } from "../ledger/ledger-writer.js";
import { createMetrics, type Metrics } from "../observability/metrics.js";
import { createProviderRegistry } from "../providers/provider-registry.js";
import { createModelGate } from "../resilience/model-gate.js";
import { createRequestJournal } from "../resilience/request-journal.js";
import { knownStages, startStages, type StageRunner } from "../stages/stage-runner.js";

export interface WorkerHandle {
  stages: string[];
  metrics: Metrics;
  health?: HealthServer;
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
}

/** Wires config, prices, providers, ledger and queues into running stages, registered for shutdown. */
export async function startWorker(runtime: Runtime, options: StartWorkerOptions = {}): Promise<WorkerHandle> {
  const config = await runtime.config();
  // Prices and providers are checked before any job is taken: a model with no price is a start-up error.
  const priceBook = await runtime.priceBook();
  const providers = createProviderRegistry(runtime.env, config, options.fakeProviderUrl);
  const database = await runtime.database();
  const connection = runtime.redis();
  const metrics = createMetrics();
  const ledger = createLedgerWriter(database.db);
  runtime.shutdown.register("ledger", () => ledger.close());

  const stages = options.stages ?? knownStages(config);
  let runner: StageRunner | undefined;
  let health: HealthServer | undefined;
  if (options.healthPort !== undefined) {
    health = await startHealthServer(options.healthPort, {
      registry: metrics.registry,
      readiness: {
        postgres: () => database.ping(),
        redis: async () => (await connection.ping()) === "PONG",
      },
    });
    runtime.shutdown.register("health server", () => health!.close());
  }
  const prefix = runtime.env.QUEUE_PREFIX;
  runner = await startStages(stages, {
    config,
    connection,
    prefix,
    ledger,
    journal: createRequestJournal(connection, prefix),
    gate: createModelGate({
      redis: connection,
      prefix,
      circuitBreaker: config.circuitBreaker,
      defaultCooldownMs: config.rateLimitCooldownMs,
    }),
    lockDurationMs: runtime.env.WORKER_LOCK_DURATION_MS,
    stalledIntervalMs: runtime.env.WORKER_STALLED_INTERVAL_MS,
    priceBook,
    providers,
    logger: runtime.logger,
    metrics,
  });
  runtime.shutdown.register("stages", () => runner!.close());
  runtime.logger.info({ stages, database: database.describe, prefix: runtime.env.QUEUE_PREFIX }, "worker started");
  return {
    stages,
    metrics,
    health,
    stop: async () => {
      await runner?.close();
      await ledger.flush();
    },
  };
}
