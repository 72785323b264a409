import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { prefixPattern } from "../../src/queue/redis-keys.js";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A queue prefix no other test uses, so tests can share one Redis. */
export function uniquePrefix(): string {
  return `test-${randomBytes(6).toString("hex")}`;
}

/** Deletes every key under a prefix (SCAN, not KEYS, so a big shared Redis is not blocked). */
export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", prefixPattern(prefix), "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
