import { Redis } from "ioredis";

/**
 * A connection BullMQ can use for workers as well as queues: maxRetriesPerRequest null lets a
 * blocking command wait out a Redis restart instead of failing the worker.
 */
export function createRedisConnection(url: string, options: { autoPipelining?: boolean } = {}): Redis {
  const connection = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
    // Commands issued in the same tick share one write: many concurrent jobs, few syscalls.
    enableAutoPipelining: options.autoPipelining ?? false,
  });
  // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
  connection.on("error", () => {});
  return connection;
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
