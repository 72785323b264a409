import type { Redis } from "ioredis";
import type { Env } from "../config/env.js";
import { DEFAULT_CONFIG_PATH, loadRouterConfig } from "../config/load-config.js";
import type { RouterConfig } from "../config/router-config-schema.js";
import { openDatabase, type Database } from "../ledger/db/database.js";
import { ShutdownRegistry } from "./shutdown-registry.js";
import { createLogger, type Logger } from "../observability/logger.js";
import { buildPriceBook, type PriceBook } from "../pricing/price-book.js";
import { createRedisConnection, redisFailureOf } from "../queue/redis-connection.js";

/**
 * The shared pieces every command builds the same way, each created on first use. `close()` stops
 * what commands registered (workers, servers, the ledger writer: last registered first), then Redis,
 * then Postgres — in-flight work writes to Postgres last, so it closes last.
 */
export interface Runtime {
  env: Env;
  logger: Logger;
  shutdown: ShutdownRegistry;
  config(): Promise<RouterConfig>;
  /** Reads the tiers file again (for a live reload); throws on an invalid file. */
  reloadConfig(): Promise<RouterConfig>;
  /** The tiers file in use, or undefined when the config was given in code. */
  configPath: string | undefined;
  priceBook(): Promise<PriceBook>;
  database(): Promise<Database>;
  redis(): Redis;
  /** Set once the Redis connection gave up (see RuntimeOptions.redisWaitMs): the reason, with the URL. */
  redisFailure(): Error | undefined;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Tiers file; default LLM_ROUTER_CONFIG, else config/tiers.yaml. */
  configPath?: string;
  /** An already-parsed config (tests, embedding): beats configPath. */
  config?: RouterConfig;
  logger?: Logger;
  /** Used when LOG_LEVEL is unset. Default info. */
  defaultLogLevel?: string;
  /**
   * How long Redis commands wait for an unreachable Redis before failing; "forever" for workers,
   * which log the outage and wait it out. Default env REDIS_CONNECT_TIMEOUT_MS.
   */
  redisWaitMs?: number | "forever";
}

export function createRuntime(env: Env, options: RuntimeOptions = {}): Runtime {
  const logger = options.logger ?? createLogger(env.LOG_LEVEL ?? options.defaultLogLevel ?? "info", { format: env.LOG_FORMAT });
  const shutdown = new ShutdownRegistry();
  const configPath = options.configPath ?? env.LLM_ROUTER_CONFIG ?? DEFAULT_CONFIG_PATH;
  let config: Promise<RouterConfig> | undefined = options.config ? Promise.resolve(options.config) : undefined;
  let priceBook: Promise<PriceBook> | undefined;
  let database: Promise<Database> | undefined;
  let redis: Redis | undefined;
  let closing: Promise<void> | undefined;
  const redisWaitMs = options.redisWaitMs ?? env.REDIS_CONNECT_TIMEOUT_MS;

  const runtime: Runtime = {
    env,
    logger,
    shutdown,
    config: () => (config ??= loadRouterConfig(configPath)),
    reloadConfig: () => (options.config ? Promise.resolve(options.config) : loadRouterConfig(configPath)),
    configPath: options.config ? undefined : configPath,
    priceBook: () => (priceBook ??= runtime.config().then((loaded) => buildPriceBook(loaded))),
    database: () => (database ??= openDatabase(env)),
    redis: () =>
      (redis ??= createRedisConnection(env.REDIS_URL, {
        giveUpAfterMs: redisWaitMs === "forever" ? undefined : redisWaitMs,
        onUnreachable: (error, url) => logger.warn({ redis: url, error: error.message }, "redis unreachable; retrying"),
        onReachable: (url) => logger.info({ redis: url }, "redis reachable again"),
      })),
    redisFailure: () => (redis ? redisFailureOf(redis) : undefined),
    close: () =>
      (closing ??= (async () => {
        const report = (name: string, error: unknown) => logger.error({ component: name, error: String(error) }, "close failed");
        await shutdown.close(report);
        if (redis) await redis.quit().catch(() => redis?.disconnect());
        if (database) await (await database).close().catch((error) => report("postgres", error));
      })()),
  };
  return runtime;
}
