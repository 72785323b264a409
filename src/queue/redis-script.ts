import type { Redis } from "ioredis";

/**
 * One Redis state change as one Lua script: read-decide-write in one step (the model gate: two pods
 * cannot both take a probe or both miss a trip; the feed and lane locks), or several writes that
 * must land together in one command (the request journal's note and its expiry). As in BullMQ's
 * src/commands/, each script opens with a header listing its KEYS and ARGV; the keys are always
 * passed in, built by queue/redis-keys.ts, never spelled in Lua.
 */
export interface RedisScript {
  /** The ioredis command name (unique per script). */
  name: string;
  lua: string;
}

type ScriptCall = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

/**
 * Runs `script` on `redis` (EVALSHA, falling back to EVAL once per connection: ioredis's
 * defineCommand). The key count is passed on each call, so a script may take a variable number.
 */
export async function runRedisScript(redis: Redis, script: RedisScript, keys: string[], args: (string | number)[]): Promise<unknown> {
  defineRedisScripts(redis, [script]);
  const commands = redis as unknown as Record<string, ScriptCall>;
  return commands[script.name]!.call(redis, keys.length, ...keys, ...args);
}

/**
 * Defines the scripts on the connection up front. Must run before the connection's first command:
 * an ioredis pipeline (and so an auto-pipeline) copies the connection's scripts when it is created,
 * and a script defined after that, called through it, makes the pipeline return fewer results than
 * it has callbacks (ioredis then throws "results[i] is not iterable" and the process dies).
 */
export function defineRedisScripts(redis: Redis, scripts: readonly RedisScript[]): void {
  const commands = redis as unknown as Record<string, ScriptCall | undefined>;
  for (const script of scripts) if (typeof commands[script.name] !== "function") redis.defineCommand(script.name, { lua: script.lua });
}
