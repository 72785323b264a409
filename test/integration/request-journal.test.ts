import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRequestJournal, type RequestJournal } from "../../src/guards/request-journal.js";
import { createRedisConnection } from "../../src/queue/redis-connection.js";
import { journalKey } from "../../src/queue/redis-keys.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../helpers/redis.js";
import {
  expectCallsInFlightUntilRecorded,
  expectEndingWithItsCall,
  journalCall as call,
  journalRecord as record,
} from "../helpers/journal-fixtures.js";

const WEEK_SECONDS = 7 * 24 * 3600;

// The Redis journal as a worker runs it: on the auto-pipelined connection it shares with the gate.
describe("request journal in Redis", () => {
  let prefix: string;
  let redis: Redis;
  let journal: RequestJournal;
  beforeEach(() => {
    prefix = uniquePrefix();
    redis = createRedisConnection(TEST_REDIS_URL, { autoPipelining: true });
    journal = createRequestJournal(redis, prefix);
  });
  afterEach(async () => {
    redis.disconnect();
    await deletePrefix(prefix);
  });

  it("keeps started calls in flight until their record replaces them, and every note renews a week's expiry", async () => {
    await expectCallsInFlightUntilRecorded(journal);
    const ttl = await redis.ttl(journalKey(prefix, "run"));
    expect(ttl).toBeGreaterThan(WEEK_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(WEEK_SECONDS);
  });

  it("notes an ending with its deciding call in one note; retire shortens the expiry; clear forgets", async () => {
    await expectEndingWithItsCall(journal);
    await journal.retire("run", 5_000);
    const pttl = await redis.pttl(journalKey(prefix, "run"));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5_000);
    await journal.clear("run");
    expect(await redis.exists(journalKey(prefix, "run"))).toBe(0);
  });

  it("keeps every note of many runs written in the same tick (one auto-pipelined batch of script calls)", async () => {
    const runs = Array.from({ length: 200 }, (_, k) => `run-${k}`);
    await Promise.all(
      runs.flatMap((run) => [
        journal.callStarted(run, call("a", 1)),
        journal.callFinished(run, record("b", 2)),
        journal.callStarted(run, call("c", 3)),
      ]),
    );
    for (const run of runs) {
      const state = await journal.load(run);
      expect(state.inFlight).toEqual([call("a", 1), call("c", 3)]);
      expect(state.finished).toEqual([record("b", 2)]);
    }
  });
});
