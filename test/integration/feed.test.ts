import { afterEach, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { sql } from "drizzle-orm";
import { startFeeder, type Feeder, type FeedTick } from "../../src/feed/feeder.js";
import { feedStage } from "../../src/feed/feed-stage.js";
import { mayFeedTier } from "../../src/feed/reestablish-limits.js";
import { feedHoldKey } from "../../src/queue/redis-keys.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { createLogger } from "../../src/observability/logger.js";
import { tierQueueName } from "../../src/queue/queue-names.js";
import { startWorker } from "../../src/runtime/start-worker.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { ledgerCounts } from "../helpers/ledger-counts.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { waitFor } from "../helpers/wait-for.js";

const WINDOW = 30;
const PER_BATCH = 60;

const tickets = (tag: string, count: number) =>
  Array.from({ length: count }, (_, index) => ({
    id: `${tag}-${index}`,
    kind: "classify" as const,
    tier: "cheap",
    prompt: `Ticket ${index}: the invoice total is wrong.`,
    labels: TICKET_LABELS,
  }));

/** The jobs a queue holds in the window's states (waiting, delayed, running). */
async function inWindow(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children");
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

describe("the feeder: Postgres holds the backlog, Redis a window of it", () => {
  let pipeline: TestPipeline | undefined;
  const feeders: Feeder[] = [];
  const queues: Queue[] = [];
  afterEach(async () => {
    await Promise.all(feeders.splice(0).map((feeder) => feeder.close()));
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
    await pipeline?.close();
    pipeline = undefined;
  });

  const feederOf = (p: TestPipeline, onTick: (tick: FeedTick) => void) => {
    const feeder = startFeeder({
      db: p.testDb.database.db,
      connection: p.runtime.redis(),
      prefix: p.prefix,
      config: () => p.config,
      logger: createLogger("silent"),
      onTick,
    });
    feeders.push(feeder);
    return feeder;
  };

  it("keeps at most `window` jobs of a tier in Redis, in enqueue order, round robin between batches, each id once", async () => {
    pipeline = await startTestPipeline({ config: testConfig({ queue: { window: WINDOW, feedIntervalMs: 20 } }), stages: [] });
    const db = pipeline.testDb.database.db;
    const cheap = new Queue(tierQueueName("cheap"), { connection: pipeline.runtime.redis(), prefix: pipeline.prefix });
    queues.push(cheap);
    const first = await pipeline.producer.enqueueJobs(tickets("a", PER_BATCH), { batchName: "first" });
    const second = await pipeline.producer.enqueueJobs(tickets("b", PER_BATCH), { batchName: "second" });
    // Nothing is in Redis until a feeder runs: the producer wrote Postgres only.
    expect(await inWindow(cheap)).toBe(0);

    let ticks = 0;
    let mostAfterTick = 0;
    feederOf(pipeline, (tick) => {
      ticks++;
      mostAfterTick = Math.max(mostAfterTick, (tick.held.get("cheap") ?? 0) + (tick.fed.get("cheap") ?? 0));
    });
    await waitFor(
      () => inWindow(cheap),
      (held) => held === WINDOW,
      { what: "the window to fill" },
    );
    const settled = ticks;
    await waitFor(
      () => ticks,
      (now) => now >= settled + 5,
      { what: "five more ticks" },
    );
    // No worker takes them: the window stays full, and no more come.
    expect(await inWindow(cheap)).toBe(WINDOW);
    expect(mostAfterTick).toBe(WINDOW);

    // The oldest of each batch, dealt in turn: the first 15 of each, in enqueue order.
    const fed = await queryRows<{ id: string }>(db, sql`select id from requests where fed_at is not null order by seq`);
    const half = WINDOW / 2;
    expect(fed.map((row) => row.id)).toEqual([
      ...Array.from({ length: half }, (_, index) => `a-${index}`),
      ...Array.from({ length: half }, (_, index) => `b-${index}`),
    ]);
    // BullMQ runs them in the order added: a-0, b-0, a-1, b-1, …
    const waiting = await cheap.getJobs(["waiting"], 0, -1, true);
    expect(waiting.map((job) => job.id)).toEqual(Array.from({ length: half }, (_, index) => [`a-${index}`, `b-${index}`]).flat());

    // Workers (each with its own feeder, so three feeders share the lock) run the whole backlog.
    let most = 0;
    const sampler = setInterval(() => void inWindow(cheap).then((held) => (most = Math.max(most, held))), 10);
    try {
      await startWorker(pipeline.runtime, { stages: ["cheap"], fakeProviderUrl: pipeline.fake.url });
      await pipeline.waitForBatch(first.batchId);
      await pipeline.waitForBatch(second.batchId);
    } finally {
      clearInterval(sampler);
    }
    expect(most).toBeLessThanOrEqual(WINDOW);
    expect(mostAfterTick).toBeLessThanOrEqual(WINDOW);
    for (const batch of [first, second]) {
      const counts = await ledgerCounts(db, batch.batchId);
      expect(counts).toMatchObject({ requests: PER_BATCH, finished: PER_BATCH, queued: 0, okAttempts: PER_BATCH, attempts: PER_BATCH });
    }
    // Each job ran once: one call per job.
    expect(pipeline.fake.stats().totalCalls).toBe(2 * PER_BATCH);
  });

  it("lets one feeder tick at a time across processes, and another take over when it stops", async () => {
    pipeline = await startTestPipeline({ config: testConfig({ queue: { window: WINDOW, feedIntervalMs: 20 } }), stages: [] });
    const ticks = [0, 0];
    const one = feederOf(pipeline, () => ticks[0]!++);
    feederOf(pipeline, () => ticks[1]!++);
    await waitFor(
      () => Math.max(...ticks),
      (most) => most >= 10,
      { what: "ten ticks of one feeder" },
    );
    const holder = ticks[0]! > 0 ? 0 : 1;
    expect(ticks[1 - holder]).toBe(0);
    // Stopping gives the lock up: the other feeder goes on at its next tick, no TTL to wait out.
    await (holder === 0 ? one : feeders[1]!).close();
    await waitFor(
      () => ticks[1 - holder]!,
      (count) => count >= 3,
      { what: "the other feeder to take over", timeoutMs: 10_000 },
    );
  });

  it("routes at enqueue for the heuristic: the request row holds the tier job and its routing, intake is skipped", async () => {
    pipeline = await startTestPipeline({ stages: [] });
    const { batchId } = await pipeline.producer.enqueueJobs(
      [{ id: "r-1", kind: "classify", prompt: "Is this spam? Buy now!", labels: ["spam", "ham"] }],
      { batchName: "routed" },
    );
    const [row] = await queryRows<{
      stage: string;
      initial_tier: string;
      classifier: string;
      has_features: boolean;
      payload: string;
    }>(
      pipeline.testDb.database.db,
      sql`select stage, initial_tier, classifier, routing_features is not null as has_features, payload from requests where batch_id = ${batchId}`,
    );
    expect(row).toMatchObject({ stage: "cheap", initial_tier: "cheap", classifier: "heuristic", has_features: true });
    expect((JSON.parse(row!.payload) as { route: unknown }).route).toMatchObject({ initialTier: "cheap", classifier: "heuristic" });
    await startWorker(pipeline.runtime, { stages: ["cheap"], fakeProviderUrl: pipeline.fake.url });
    const status = await pipeline.waitForBatch(batchId);
    expect(status.done).toBe(true);
  });
});

describe("feedStage's last check before the add", () => {
  let pipeline: TestPipeline | undefined;
  let cheap: Queue | undefined;
  afterEach(async () => {
    await cheap?.close();
    await pipeline?.close();
    pipeline = cheap = undefined;
  });

  it("adds nothing to a tier whose limit Redis lost, or that a hold keeps back, and leaves the rows to be fed later", async () => {
    pipeline = await startTestPipeline({ config: testConfig(), stages: [] });
    const db = pipeline.testDb.database.db;
    const redis = pipeline.runtime.redis();
    cheap = new Queue(tierQueueName("cheap"), { connection: redis, prefix: pipeline.prefix });
    await pipeline.producer.enqueueJobs(tickets("guard", 5), { batchName: "guard" });
    const mayFeed = () => mayFeedTier(redis, pipeline!.prefix, cheap!, "cheap");
    const unfed = async () =>
      (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from requests where fed_at is null and status = 'queued'`))[0]!.n;

    // No limit in Redis (as after a FLUSHALL): refused.
    expect(await cheap.getGlobalConcurrency()).toBeNull();
    expect(await feedStage(db, "cheap", cheap, 5, mayFeed)).toBe(0);
    // The limit back, but a hold on the tier (another feeder found the loss): refused.
    await cheap.setGlobalConcurrency(2);
    await redis.set(feedHoldKey(pipeline.prefix, "cheap"), "1", "PX", 60_000);
    expect(await feedStage(db, "cheap", cheap, 5, mayFeed)).toBe(0);
    expect(await inWindow(cheap)).toBe(0);
    expect(await unfed()).toBe(5);
    // Limit set, no hold: fed.
    await redis.del(feedHoldKey(pipeline.prefix, "cheap"));
    expect(await feedStage(db, "cheap", cheap, 5, mayFeed)).toBe(5);
    expect(await inWindow(cheap)).toBe(5);
    expect(await unfed()).toBe(0);
  });
});
