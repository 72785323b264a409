import type { Redis } from "ioredis";

/**
 * One cross-pod state change of the model gate, as one Lua script: read-decide-write in one step,
 * so two pods cannot both take a probe or both miss a trip. As in BullMQ's src/commands/, each
 * script opens with a header listing its KEYS and ARGV; the keys are always passed in, built by
 * queue/redis-keys.ts, never spelled in Lua.
 */
export interface GateScript {
  /** The ioredis command name (unique per script). */
  name: string;
  lua: string;
}

type ScriptCall = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

/**
 * Runs `script` on `redis` (EVALSHA, falling back to EVAL once per connection: ioredis's
 * defineCommand). The key count is passed on each call, so a script may take a variable number.
 */
export async function runGateScript(redis: Redis, script: GateScript, keys: string[], args: (string | number)[]): Promise<unknown> {
  defineGateScripts(redis, [script]);
  const commands = redis as unknown as Record<string, ScriptCall>;
  return commands[script.name]!.call(redis, keys.length, ...keys, ...args);
}

/**
 * Defines the scripts on the connection up front. Must run before the connection's first command:
 * an ioredis pipeline (and so an auto-pipeline) copies the connection's scripts when it is created,
 * and a script defined after that, called through it, makes the pipeline return fewer results than
 * it has callbacks (ioredis then throws "results[i] is not iterable" and the process dies).
 */
export function defineGateScripts(redis: Redis, scripts: readonly GateScript[]): void {
  const commands = redis as unknown as Record<string, ScriptCall | undefined>;
  for (const script of scripts) if (typeof commands[script.name] !== "function") redis.defineCommand(script.name, { lua: script.lua });
}
