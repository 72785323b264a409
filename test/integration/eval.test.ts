import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { executeEval, prepareEval, type EvalResult } from "../../src/lab/run-eval.js";
import { buildPriceBook } from "../../src/pricing/price-book.js";
import { thresholdsForMaxShares } from "../../src/lab/calibrate.js";
import { runCalibrate } from "../../src/lab/run-calibrate.js";
import { readLedgerLabels } from "../../src/lab/ledger-labels.js";
import { writeSyntheticReplay } from "../helpers/eval/synthetic-replay.js";
import { runCli } from "../helpers/cli-process.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { TEST_REDIS_URL, deletePrefix, uniquePrefix } from "../helpers/redis.js";

const ROWS = 200;

function expectEvalShape(result: EvalResult): void {
  for (const key of ["apgr", "cpt50", "cpt80"] as const) expect(typeof result[key]).toBe("number");
  for (const policy of ["router", "always_cheap", "always_top", "random", "oracle"] as const) {
    expect(result[policy]).toEqual(
      expect.objectContaining({ quality: expect.any(Number), cost_usd: expect.any(Number), top_share: expect.any(Number) }),
    );
  }
  expect(result.always_cheap.top_share).toBe(0);
  expect(result.always_top.top_share).toBe(1);
  expect(result.always_top.quality).toBeGreaterThanOrEqual(result.always_cheap.quality);
  expect(result.always_top.cost_usd).toBeGreaterThan(result.always_cheap.cost_usd);
  for (const other of [result.router, result.always_cheap, result.always_top, result.random]) {
    expect(result.oracle.quality).toBeGreaterThanOrEqual(other.quality);
  }
  expect(result.random.top_share).toBe(result.router.top_share);
  expect(result.cpt50).toBeLessThanOrEqual(result.cpt80);
}

describe("eval through the real pipeline (Redis, Postgres, SDKs, fake provider in replay mode)", () => {
  let data: string;
  let pipeline: TestPipeline;
  let result: EvalResult;

  beforeAll(async () => {
    data = await writeSyntheticReplay(ROWS);
    const prepared = await prepareEval({
      dataPath: data,
      classifier: "heuristic",
      baseConfig: testConfig(),
      split: { part: "all" },
      kind: "generate",
      topShare: 0.3,
      concurrency: 8,
      shadowRate: 0.5,
    });
    pipeline = await startTestPipeline({ config: prepared.config, scenario: prepared.scenario });
    result = await executeEval(prepared, {
      db: pipeline.testDb.database.db,
      producer: pipeline.producer,
      priceBook: buildPriceBook(prepared.config),
      replayStats: () => pipeline.fake.replayStats(),
    });
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it("--shadow-rate leaves shadow labels with the recorded outcomes' verdicts, which train --from-ledger reads", async () => {
    const db = pipeline.testDb.database.db;
    const labels = await readLedgerLabels(db, { batchId: result.pipeline.batch_id });
    const shadow = labels.filter((label) => label.source === "shadow");
    expect(shadow.length).toBeGreaterThan(0);
    const [unlabelled] = await queryRows<{ n: string }>(
      db,
      sql`select count(*)::text as n from shadow_checks s join requests r on r.id = s.request_id
          where r.batch_id = ${result.pipeline.batch_id} and s.agrees is null`,
    );
    expect(Number(unlabelled!.n)).toBe(0);
  });

  it("reports every baseline with quality, cost and top share, and RouteLLM's metrics", () => {
    expectEvalShape(result);
    expect(result.rows).toBe(ROWS);
    expect(result.classifier).toBe("heuristic");
    expect(result.tiers).toEqual({ cheap: { tier: "cheap", model: "gpt-5-mini" }, top: { tier: "premium", model: "claude-opus-4-7" } });
    expect(result.warnings).toEqual([]);
  });

  it("every job went through the pipeline and got its recorded answer", async () => {
    expect(result.pipeline.requests).toBe(ROWS);
    expect(result.pipeline.rejected).toBe(0);
    expect(result.router.failed).toBe(0);
    const replay = result.pipeline.replay!;
    // Shadow checks (--shadow-rate) ask the top tier again: strong answers beyond the routed ones.
    const [row] = await queryRows<{ n: string }>(
      pipeline.testDb.database.db,
      sql`select count(*)::text as n from shadow_checks s join requests r on r.id = s.request_id where r.batch_id = ${result.pipeline.batch_id}`,
    );
    const shadows = Number(row!.n);
    expect(replay.hits.weak + replay.hits.strong).toBe(ROWS + shadows);
    expect(replay.misses).toBe(0);
    expect((replay.hits.strong - shadows) / ROWS).toBe(result.router.top_share);
  });

  it("the router sends at most the asked share up, and the ledger's prices match the offline ones", async () => {
    expect(result.router.top_share).toBeLessThanOrEqual(0.3);
    expect(result.router.top_share).toBeGreaterThan(0.2);
    expect(result.ledger_cost_gap_usd).toBe(0);
    expect(Number(result.pipeline.ledger_cost_usd)).toBeCloseTo(result.router.cost_usd, 9);
    const [row] = await queryRows<{ classifiers: string; attempts: string }>(
      pipeline.testDb.database.db,
      sql`select string_agg(distinct classifier, ',') as classifiers, (select count(*) from attempts)::text as attempts
          from requests where batch_id = ${result.pipeline.batch_id}`,
    );
    expect(row).toEqual({ classifiers: "heuristic", attempts: String(ROWS) });
  });

  it("calibrate --from-ledger cuts the recorded scores and prices the mix from the ledger", async () => {
    const calibration = await runCalibrate({
      source: { kind: "ledger", db: pipeline.testDb.database.db, describe: "test", batchId: result.pipeline.batch_id },
      baseConfig: pipeline.config,
      classifier: "heuristic",
      maxTopShare: 0.1,
    });
    const scores = await queryRows<{ score: number }>(
      pipeline.testDb.database.db,
      sql`select complexity_score as score from requests where batch_id = ${result.pipeline.batch_id}`,
    );
    expect(calibration.rows).toBe(ROWS);
    expect(calibration.thresholds).toEqual(
      thresholdsForMaxShares(
        scores.map((s) => Number(s.score)),
        [0.9, 0.1],
      ),
    );
    expect(calibration.expected.shares[1]).toBeLessThanOrEqual(0.1);
    expect(calibration.expected.quality).toBeUndefined();
    expect(calibration.tier_cost_usd!.every((cost) => cost !== null && cost > 0)).toBe(true);
    expect(calibration.expected.cost_usd).toBeLessThan(calibration.expected.always_top_cost_usd);
    expect(calibration.snippet).toContain("thresholds: [");
  });

  it("the CLI trains a model, and eval --classifier trained --split test replays only held-out rows, into the ledger only with --keep-ledger", async () => {
    const dir = await mkdtemp(join(tmpdir(), "eval-cli-"));
    const model = join(dir, "model.json");
    const trained = await runCli(["train", "--data", data, "--out", model, "--buckets", "12", "--seed", "3"], {}, 120_000);
    expect(trained.stderr).not.toMatch(/error/);
    expect(trained.code).toBe(0);
    expect(trained.stdout).toMatch(/held-out \(\d+ rows\): APGR/);

    const prefix = uniquePrefix();
    try {
      const env = { DATABASE_URL: pipeline.testDb.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, LLM_ROUTER_CONFIG: "" };
      const evalArgs = ["eval", "--data", data, "--classifier", "trained", "--model", model, "--split", "test", "--format", "json"];
      // Without --keep-ledger the run goes to a throw-away ledger: DATABASE_URL gets nothing.
      const quick = await runCli([...evalArgs, "--limit", "10", "--shadow-rate", "0.5"], env, 120_000);
      expect(quick.code).toBe(0);
      expect(quick.stderr).toMatch(/--shadow-rate without --keep-ledger: the shadow labels go with the throw-away ledger/);
      const discarded = JSON.parse(quick.stdout) as EvalResult;
      expect(discarded.pipeline.ledger).toBe("discarded");
      const [kept] = await queryRows<{ n: string }>(
        pipeline.testDb.database.db,
        sql`select count(*)::text as n from batches where id = ${discarded.pipeline.batch_id}`,
      );
      expect(kept!.n).toBe("0");

      const run = await runCli([...evalArgs, "--keep-ledger", "--concurrency", "8"], env, 120_000);
      expect(run.code).toBe(0);
      const json = JSON.parse(run.stdout) as EvalResult;
      expect(json.pipeline.ledger).toMatch(/^postgres/);
      expectEvalShape(json);
      expect(json.classifier).toBe("trained");
      expect(json.data.split).toMatchObject({ part: "test", holdout: 0.2, seed: 3, by: "row", resolvedFrom: "model file" });
      expect(json.rows).toBeLessThan(ROWS / 2);
      expect(json.warnings).toEqual([]);
      // The model's default thresholds send about a quarter of the jobs up.
      expect(json.router.top_share).toBeGreaterThan(0.05);
      expect(json.router.top_share).toBeLessThan(0.5);
      const [row] = await queryRows<{ classifiers: string; count: string }>(
        pipeline.testDb.database.db,
        sql`select string_agg(distinct classifier, ',') as classifiers, count(*)::text as count from requests where batch_id = ${json.pipeline.batch_id}`,
      );
      expect(row).toEqual({ classifiers: "trained", count: String(json.rows) });
    } finally {
      await deletePrefix(prefix);
    }
  }, 180_000);
});
