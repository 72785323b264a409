import { once } from "node:events";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { pipelineEnv, startWorkerProcess } from "../helpers/chaos-workers.js";
import type { LongRunningCli } from "../helpers/cli-process.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";
import { classifyJobs, fakeBilledItems, laneConfig } from "../helpers/batch-lane.js";

const STAGES = ["intake", "cheap", "premium"];
/** Short leases, so the second worker takes over a dead one's lanes within seconds. */
const FAST_LEASES = { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000" };

/**
 * kill -9 at the two worst moments of the batch lane, then a fresh worker: no item lost, none
 * submitted twice, none ingested or billed twice.
 */
describe("batch lane crash safety", () => {
  let pipeline: TestPipeline | undefined;
  let workers: LongRunningCli[] = [];
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
    await pipeline?.close();
    pipeline = undefined;
  });

  for (const crashAt of ["after-upload", "mid-ingest"] as const) {
    it(`kill -9 ${crashAt === "after-upload" ? "of the submitter between upload and batch create" : "of the poller while it ingests results"}: 0 lost, 0 duplicated, 0 billed twice`, async () => {
      pipeline = await startTestPipeline({
        config: laneConfig({ cheapModels: [{ provider: "openai", model: "gpt-5-mini", timeoutMs: 2000 }] }),
        scenario: { seed: 9, models: { "*": { batchLatencyMs: 100, invalidRate: 0.1 } } },
        stages: [],
      });
      const configPath = await writeConfigFile(pipeline.config);
      const first = await startWorkerProcess(STAGES, pipelineEnv(pipeline, configPath, { ...FAST_LEASES, BATCH_LANE_CRASH_AT: crashAt }));
      workers.push(first.worker);
      const exited = once(first.worker.child, "exit");
      const { batchId } = await pipeline.producer.enqueueJobs(classifyJobs(60, `crash-${crashAt}`, { deadline: "6h" }), {
        batchName: crashAt,
      });
      const [code, signal] = (await exited) as [number | null, string | null];
      expect({ code, signal }).toEqual({ code: null, signal: "SIGKILL" });
      // It died where it was meant to: a row still `submitting`, or part of the results ingested.
      const db = pipeline.testDb.database.db;
      const [left] = await queryRows<{ state: string; attempts: number }>(
        db,
        sql`select state, (select count(*)::int from attempts) as attempts from provider_batches order by created_at limit 1`,
      );
      if (crashAt === "after-upload") expect(left).toEqual({ state: "submitting", attempts: 0 });
      else {
        // Mid-ingest: the batch is not marked ended. The items of a chunk are sent on concurrently, so
        // by the kill (after half of them) the rest of the chunk's attempt rows may be written too.
        expect(left!.state).toBe("ingesting");
        expect(left!.attempts).toBeGreaterThan(0);
        expect(left!.attempts).toBeLessThanOrEqual(60);
      }

      const second = await startWorkerProcess(STAGES, pipelineEnv(pipeline, configPath, FAST_LEASES));
      workers.push(second.worker);
      await pipeline.waitForBatch(batchId);

      const requests = await queryRows<{ status: string; n: number }>(db, sql`select status, count(*)::int as n from requests group by 1`);
      expect(requests).toEqual([{ status: "succeeded", n: 60 }]);
      // One row per item the provider saw: the billed ones (answers, valid or not) match the fake's count.
      const [billedRows] = await queryRows<{ n: number; dup: number }>(
        db,
        sql`select count(*) filter (where outcome in ('ok', 'invalid'))::int as n,
              (select count(*)::int from (select id from attempts group by id having count(*) > 1) d) as dup
            from attempts where lane = 'batch'`,
      );
      expect(billedRows!.dup).toBe(0);
      expect(billedRows!.n).toBe(await fakeBilledItems(pipeline.fake.url));
      // Each request has exactly one ok attempt.
      const [oks] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from (select request_id from attempts where outcome = 'ok' group by 1 having count(*) <> 1) x`,
      );
      expect(oks!.n).toBe(0);
      const stats = (await (await fetch(`${pipeline.fake.url}/stats`)).json()) as { models: Record<string, { batch?: { items: number } }> };
      // No item was submitted twice: the provider saw 60 items plus one per invalid answer moved to the next tier.
      const [moved] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from attempts where lane = 'batch'`);
      const submitted = Object.values(stats.models).reduce((sum, model) => sum + (model.batch?.items ?? 0), 0);
      expect(submitted).toBe(moved!.n);
    });
  }
});
