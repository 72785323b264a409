import { Redis } from "ioredis";

/** A Redis that has not answered for longer than a command was willing to wait. */
export class RedisUnreachableError extends Error {
  override name = "RedisUnreachableError";
}

export interface RedisConnectionOptions {
  /** Commands issued in the same tick share one write. Default false. */
  autoPipelining?: boolean;
  /**
   * Give up when Redis has not answered for this long: every pending and later command fails
   * (see redisFailureOf for why). Default: never — a worker waits out a Redis restart.
   */
  giveUpAfterMs?: number;
  /** Told once per outage (the first failed attempt), and again when Redis answers. Default: nothing. */
  onUnreachable?: (error: Error, url: string) => void;
  onReachable?: (url: string) => void;
}

/** Longest pause between reconnect attempts. */
const MAX_RECONNECT_DELAY_MS = 1_000;

const failures = new WeakMap<Redis, RedisUnreachableError>();

/** The URL as it may be printed: any password replaced. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable REDIS_URL)";
  }
}

/**
 * A connection BullMQ can use for workers as well as queues: maxRetriesPerRequest null lets a
 * blocking command wait out a Redis restart instead of failing the worker.
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  const shown = redactRedisUrl(url);
  let downSince: number | undefined;
  let lastError: Error | undefined;
  let announced = false;
  const connection: Redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    // Commands issued in the same tick share one write: many concurrent jobs, few syscalls.
    enableAutoPipelining: options.autoPipelining ?? false,
    retryStrategy: (times) => {
      downSince ??= Date.now();
      if (options.giveUpAfterMs !== undefined && Date.now() - downSince >= options.giveUpAfterMs) {
        const cause = lastError ? ` (${lastError.message})` : "";
        failures.set(
          connection,
          new RedisUnreachableError(
            `Redis at ${shown} did not answer for ${Math.round(options.giveUpAfterMs / 1000)} s${cause}: ` +
              "start it, or set REDIS_URL (REDIS_CONNECT_TIMEOUT_MS sets how long commands wait)",
          ),
        );
        // ioredis then fails the queued commands and stops reconnecting.
        return null;
      }
      return Math.min(times * 100, MAX_RECONNECT_DELAY_MS);
    },
  });
  // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
  connection.on("error", (error: Error) => {
    lastError = error;
    downSince ??= Date.now();
    if (!announced) options.onUnreachable?.(error, shown);
    announced = true;
  });
  connection.on("ready", () => {
    if (announced) options.onReachable?.(shown);
    [announced, downSince] = [false, undefined];
  });
  return connection;
}

/**
 * Why a connection made with giveUpAfterMs stopped: ioredis fails the waiting commands with a bare
 * "Connection is closed.", so the caller asks here for the reason, with the URL.
 */
export function redisFailureOf(connection: Redis): RedisUnreachableError | undefined {
  return failures.get(connection);
}

/** True if a Redis answers PING at `url` within `timeoutMs`. */
export async function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** A readiness probe: false at once while the connection is down, else PING within `timeoutMs`. */
export async function connectionAnswers(connection: Redis, timeoutMs = 1_000): Promise<boolean> {
  if (connection.status !== "ready") return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([connection.ping().then((answer) => answer === "PONG"), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
