import type { Redis } from "ioredis";

export interface DumpedKey {
  key: string;
  type: string;
  /** Every member, field, value and score of the key, raw, joined by newlines. */
  bytes: Buffer;
}

const NL = Buffer.from("\n");
const join = (parts: (Buffer | string)[]) => Buffer.concat(parts.flatMap((part) => [Buffer.isBuffer(part) ? part : Buffer.from(part), NL]));

type StreamEntries = [Buffer, Buffer[]][];

/** The raw contents of one key, whatever its type (values may be binary, e.g. msgpack: kept as bytes). */
export async function dumpKey(redis: Redis, key: string): Promise<DumpedKey> {
  const type = await redis.type(key);
  let parts: (Buffer | string)[] = [];
  switch (type) {
    case "string":
      parts = [(await redis.getBuffer(key)) ?? Buffer.alloc(0)];
      break;
    case "hash":
      parts = Object.entries(await redis.hgetallBuffer(key)).flatMap(([field, value]) => [field, value]);
      break;
    case "list":
      parts = await redis.lrangeBuffer(key, 0, -1);
      break;
    case "set":
      parts = await redis.smembersBuffer(key);
      break;
    case "zset":
      parts = await redis.zrangeBuffer(key, "0", "-1", "WITHSCORES");
      break;
    case "stream": {
      const entries = (await redis.xrangeBuffer(key, "-", "+")) as unknown as StreamEntries;
      parts = entries.flatMap(([id, fields]) => [id, ...fields]);
      break;
    }
    case "none":
      break; // expired between SCAN and TYPE
    default:
      parts = [`<unsupported type ${type}>`];
  }
  return { key, type, bytes: join(parts) };
}

/** Every key under `prefix:` (SCAN, so a shared Redis is not blocked) with its contents. */
export async function dumpPrefix(redis: Redis, prefix: string): Promise<DumpedKey[]> {
  const keys = new Set<string>();
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    batch.forEach((key) => keys.add(key));
  } while (cursor !== "0");
  const dumped: DumpedKey[] = [];
  for (const key of [...keys].sort()) dumped.push(await dumpKey(redis, key));
  return dumped;
}
