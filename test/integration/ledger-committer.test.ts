import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLedgerCommitter, type LedgerCommitter } from "../../src/guards/ledger-committer.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { watchLedgerWrites } from "../../src/ledger/ledger-health.js";
import { createLedgerWriter } from "../../src/ledger/ledger-writer.js";
import type { AttemptRecord, RequestOutcome } from "../../src/ledger/records.js";
import { createLogger } from "../../src/observability/logger.js";
import { LEDGER_COMMITTERS_GROUP, ledgerHandoffKey } from "../../src/queue/redis-keys.js";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../helpers/redis.js";
import { waitFor } from "../helpers/wait-for.js";

const BATCH = "committer-batch";

function ending(requestId: string): { records: AttemptRecord[]; outcome: RequestOutcome } {
  const at = new Date("2026-12-02T10:00:00Z");
  return {
    records: [
      {
        id: randomUUID(),
        requestId,
        attemptNo: 1,
        tier: "cheap",
        provider: "openai",
        model: "gpt-5-mini",
        outcome: "ok",
        latencyMs: 10,
        usage: { inputTokens: 100, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 },
        cost: 25_000_000n,
        startedAt: at,
        finishedAt: at,
      },
    ],
    outcome: {
      requestId,
      status: "succeeded",
      initialTier: "cheap",
      finalTier: "cheap",
      finalProvider: "openai",
      finalModel: "gpt-5-mini",
      escalations: 0,
      attemptCount: 1,
      cost: 25_000_000n,
      baselineCost: 60_000_000n,
      result: "billing",
      finishedAt: at,
    },
  };
}

/** The committer against real Redis and Postgres: a re-delivered or taken-over entry lands once. */
describe("the ledger committer", () => {
  let testDb: TestDatabase;
  let prefix: string;
  let redis: Redis;
  const committers: LedgerCommitter[] = [];
  const start = (options: { claimIdleMs?: number; maxBacklog?: number; holdWrites?: Promise<void> } = {}) => {
    const watched = watchLedgerWrites(createLedgerWriter(testDb.database.db, { concurrentCommits: 3 }));
    const { health } = watched;
    const hold = options.holdWrites;
    const writer = hold
      ? {
          ...watched.writer,
          write: async (...args: Parameters<typeof watched.writer.write>) => (await hold, watched.writer.write(...args)),
        }
      : watched.writer;
    // Accepting needs one good write; the committer itself does not ask.
    const committer = createLedgerCommitter({
      redis,
      blocking: new Redis(TEST_REDIS_URL),
      prefix,
      ledger: writer,
      health,
      logger: createLogger("silent"),
      claimIdleMs: options.claimIdleMs ?? 60_000,
      claimIntervalMs: 200,
      blockMs: 100,
      maxBacklog: options.maxBacklog,
    });
    committers.push(committer);
    return committer;
  };
  const finished = async () =>
    (
      await queryRows<{ requests: string; attempts: string; calls: string; rolled: string }>(
        testDb.database.db,
        sql`select (select count(*) from requests where batch_id = ${BATCH} and status = 'succeeded')::text as requests,
                 (select count(*) from attempts)::text as attempts,
                 (select coalesce(sum(calls), 0) from attempt_rollup_batch_daily where batch_id = ${BATCH})::text as calls,
                 (select coalesce(sum(requests), 0) from request_rollup_batch_daily
                   where batch_id = ${BATCH} and status = 'succeeded')::text as rolled`,
      )
    )[0]!;

  beforeEach(async () => {
    testDb = await createTestDatabase();
    prefix = uniquePrefix();
    redis = new Redis(TEST_REDIS_URL);
    await testDb.database.db.execute(sql`insert into batches (id, name) values (${BATCH}, 'committer')`);
    await testDb.database.db.execute(
      sql`insert into requests (id, batch_id, kind) select 'r-' || g, ${BATCH}, 'classify' from generate_series(0, 9) as g`,
    );
  });
  afterEach(async () => {
    await Promise.all(committers.splice(0).map((committer) => committer.close()));
    redis.disconnect();
    await deletePrefix(prefix);
    await testDb.drop();
  });

  it("commits an ending handed off twice (a job re-run after a crash) once, rollups included", async () => {
    const committer = start();
    for (let index = 0; index < 10; index++) {
      const { records, outcome } = ending(`r-${index}`);
      await committer.handoff.hand(`r-${index}@cheap`, records, outcome);
      await committer.handoff.hand(`r-${index}@cheap`, records, outcome);
    }
    await waitFor(
      () => redis.xlen(ledgerHandoffKey(prefix)),
      (length) => length === 0,
      { what: "every entry acknowledged and deleted" },
    );
    expect(await finished()).toEqual({ requests: "10", attempts: "10", calls: "10", rolled: "10" });
  });

  it("takes over the entries a dead committer had read and never acknowledged", async () => {
    const key = ledgerHandoffKey(prefix);
    const writer = start();
    await writer.close();
    committers.length = 0;
    // Entries added, then read by a consumer that dies before committing (its PEL keeps them).
    for (let index = 0; index < 10; index++) {
      const { records, outcome } = ending(`r-${index}`);
      await writer.handoff.hand(`r-${index}@cheap`, records, outcome);
    }
    const read = (await redis.xreadgroup("GROUP", LEDGER_COMMITTERS_GROUP, "dead", "COUNT", 100, "STREAMS", key, ">")) as [
      string,
      unknown[],
    ][];
    expect(read[0]![1]).toHaveLength(10);
    expect((await finished()).requests).toBe("0");

    start({ claimIdleMs: 300 });
    await waitFor(
      () => redis.xlen(key),
      (length) => length === 0,
      { what: "the dead consumer's entries claimed and committed" },
    );
    expect(await finished()).toEqual({ requests: "10", attempts: "10", calls: "10", rolled: "10" });
  });

  it("hands its recent entries off again when Redis loses the stream, so an uncommitted ending is not lost with it", async () => {
    const key = ledgerHandoffKey(prefix);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // One entry at a time, its write held: the committer reads r-0 and then waits, reading nothing more.
    const committer = start({ maxBacklog: 1, holdWrites: held });
    const first = ending("r-0");
    await committer.handoff.hand("r-0@cheap", first.records, first.outcome);
    await waitFor(
      async () => committer.backlog(),
      (backlog) => backlog === 1,
      { what: "r-0 read, its commit held" },
    );
    // r-1 is read by a committer that dies before committing, and then Redis loses the stream.
    const second = ending("r-1");
    await committer.handoff.hand("r-1@cheap", second.records, second.outcome);
    const read = (await redis.xreadgroup("GROUP", LEDGER_COMMITTERS_GROUP, "dead", "COUNT", 10, "STREAMS", key, ">")) as [
      string,
      unknown[],
    ][];
    expect(read[0]![1]).toHaveLength(1);
    await redis.del(key);
    expect(await redis.exists(key)).toBe(0);

    release();
    await waitFor(
      async () => (await finished()).requests,
      (requests) => requests === "2",
      { what: "both endings committed" },
    );
    expect(await finished()).toEqual({ requests: "2", attempts: "2", calls: "2", rolled: "2" });
  });
});
