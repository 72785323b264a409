import { randomBytes } from "node:crypto";
import pg from "pg";
import { Redis } from "ioredis";

/** Where benches run: the same services as the tests, in their own database and Redis prefix. */
export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `llm_router_bench_${label}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: BENCH_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = Object.assign(new URL(BENCH_ADMIN_URL), { pathname: `/${name}` }).toString();
  return {
    url,
    async drop() {
      const cleanup = new pg.Client({ connectionString: BENCH_ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

export function benchPrefix(label: string): string {
  return `bench-${label}-${randomBytes(4).toString("hex")}`;
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(BENCH_REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 5000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** INFO commandstats as command → calls (the whole server: run benches on a Redis of their own for this). */
export async function commandStats(url: string = BENCH_REDIS_URL): Promise<Map<string, number>> {
  const redis = new Redis(url);
  try {
    const text = await redis.info("commandstats");
    const stats = new Map<string, number>();
    for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats.set(match[1]!, Number(match[2]));
    return stats;
  } finally {
    redis.disconnect();
  }
}

/** Commands per job between two commandstats snapshots, largest first. */
export function commandsPerJob(before: Map<string, number>, after: Map<string, number>, jobs: number) {
  const perCommand = [...after]
    .map(([command, calls]) => ({ command, perJob: (calls - (before.get(command) ?? 0)) / jobs }))
    .filter((entry) => entry.perJob > 0)
    .sort((a, b) => b.perJob - a.perJob);
  return { total: perCommand.reduce((sum, entry) => sum + entry.perJob, 0), perCommand };
}
