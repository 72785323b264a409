import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { createRuntime } from "../runtime/runtime.js";
import { startWorker } from "../runtime/start-worker.js";
import type { Env } from "../config/env.js";
import type { RouterConfig } from "../config/router-config-schema.js";
import type { Db } from "../ledger/db/database.js";
import { replayKey, startFakeLlm, type ReplayCounters, type ScenarioInput } from "../fake-llm/index.js";
import type { JobInput, JobKind } from "../jobs/job-schema.js";
import { parseUsd } from "../pricing/money.js";
import { buildPriceBook, type PriceBook } from "../pricing/price-book.js";
import { createProducer, type Producer } from "../produce/producer.js";
import { batchStatus } from "../report/query/batch-status.js";
import { scoreJob } from "../intake/classify-job.js";
import { loadTrainedModel } from "../intake/trained/trained-model.js";
import type { SplitBy } from "./split.js";
import { configuredTopThreshold, evalConfig, thresholdForTopShare, tierPair, type EvalTierPair } from "./eval-config.js";
import { rowCosts } from "./eval-costs.js";
import { batchCostUsd, deleteQueuePrefix, readEvalRequests, settleShadowVerdicts } from "./eval-ledger.js";
import { shadowSampled } from "../tiers/shadow/shadow-sample.js";
import { summarizeEval, type EvalRowResult, type EvalSummary } from "./eval-summary.js";
import { selectRows, type SelectedSplit } from "./select-rows.js";
import { outcomeQuality, parseReplayJsonl, rowToJob, type QualityMetric, type ReplayRow } from "../fake-llm/replay-dataset.js";
import { UsageError } from "../errors/router-error.js";
import type { ShadowStrategy } from "../config/routing-config-schema.js";

/**
 * `llm-router eval`: replays a routing dataset through the real pipeline — producer → intake
 * (the classifier under test) → tier queues → the official SDKs → the fake provider in replay mode
 * (answering each prompt with the answer recorded for the model class the router picked) → the
 * Postgres ledger — and scores the result against the dataset.
 *
 * Only the chosen threshold runs through the pipeline. The threshold sweep behind APGR and CPT is
 * computed offline from the scores the ledger recorded for the same jobs (a job's score does not
 * depend on the threshold, so rerunning the pipeline per threshold would give the same curve).
 */

export type EvalClassifier = "heuristic" | "trained";

export interface EvalOptions {
  dataPath: string;
  classifier: EvalClassifier;
  modelFile?: string;
  /** The tiers file: its cheapest and top tiers become the eval's two tiers. */
  baseConfig: RouterConfig;
  /** Which rows: all, or one side of a seeded split (the same split `train` uses). */
  split: { part: "all" | "train" | "test"; holdout?: number; seed?: number; by?: SplitBy };
  /** Explicit top-tier threshold; beats topShare. */
  threshold?: number;
  /** Set the threshold so this share of the rows goes to the top tier (by their scores; no labels used). */
  topShare?: number;
  /** Kind of rows that give none. Default generate. */
  kind: JobKind;
  /** Only the first N selected rows (quick runs, tests). */
  limit?: number;
  /** Calls in flight per tier. Default 32. */
  concurrency?: number;
  /**
   * Shadow-check this share of the jobs the cheap tier answered, and give each check its verdict
   * from the recorded outcomes (the cheap answer is good enough when weak ≥ strong), so the run
   * leaves labels `train --from-ledger` reads. Default 0 (none).
   */
  shadowRate?: number;
  /**
   * How the workers spread `shadowRate` (routing.shadow.strategy): `uniform` (default; the eval then
   * knows which requests are sampled) or `uncertain` (the workers pick; the eval labels what they picked).
   */
  shadowStrategy?: ShadowStrategy;
  /** Give up when no request finishes for this long. Default 60000. */
  stallTimeoutMs?: number;
  /**
   * Write the run into the ledger at DATABASE_URL (or the embedded PGlite), where `train --from-ledger`,
   * `report` and `reprice` read it. Default false: a throw-away embedded ledger in a temp directory,
   * deleted at the end, so a quick eval never adds a batch to a production ledger.
   */
  keepLedger?: boolean;
  onProgress?: (done: number, total: number) => void;
  onMessage?: (message: string) => void;
}

export interface EvalResult extends EvalSummary {
  data: { file: string; rows: number; selected: number; metric: QualityMetric; split: SelectedSplit };
  classifier: EvalClassifier;
  model?: string;
  threshold: number;
  threshold_source: string;
  tiers: { cheap: { tier: string; model: string }; top: { tier: string; model: string } };
  pipeline: {
    batch_id: string;
    requests: number;
    rejected: number;
    duration_ms: number;
    ledger_cost_usd: string;
    /** Where the run's rows are: the ledger's description (`--keep-ledger`), or `discarded` (a throw-away ledger). */
    ledger: string;
    replay?: ReplayCounters;
  };
  notes: string[];
  warnings: string[];
}

export interface PreparedEval {
  options: EvalOptions;
  metric: QualityMetric;
  datasetRows: number;
  rows: ReplayRow[];
  jobs: JobInput[];
  /** Offline scores of the rows under the classifier (the same function intake runs). */
  scores: number[];
  config: RouterConfig;
  pair: EvalTierPair;
  scenario: ScenarioInput;
  /**
   * The row whose recorded answers the fake serves for each selected row: the first row of the file
   * with the same prompt (a dataset may repeat a prompt with other outcomes). Costs follow the served
   * answer; quality follows the row's own outcome.
   */
  servedRows: ReplayRow[];
  threshold: number;
  thresholdSource: string;
  split: EvalResult["data"]["split"];
  warnings: string[];
}

/** Letters, digits and . _ @ / - (the job id rules, minus ":" which BullMQ refuses in ids); anything else becomes "_". */
function safeIdPart(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9._@/-]/g, "_").slice(0, 150);
  return cleaned === "" ? "row" : cleaned;
}

export async function prepareEval(options: EvalOptions): Promise<PreparedEval> {
  const text = await readFile(options.dataPath, "utf8");
  const dataset = parseReplayJsonl(text, options.dataPath);
  const sha256 = createHash("sha256").update(text).digest("hex");

  if (options.classifier === "trained" && options.modelFile === undefined) throw new UsageError("--classifier trained needs --model FILE");
  const model = options.classifier === "trained" ? loadTrainedModel(options.modelFile!) : undefined;
  const selected = selectRows(dataset.rows, sha256, options.split, model);
  const warnings = selected.warnings;
  const split = selected.split;
  let rows = selected.rows;
  if (options.limit !== undefined) rows = rows.slice(0, options.limit);
  if (rows.length === 0) throw new UsageError("no rows to evaluate (check --split / --limit)");

  // Job ids: a per-run tag (ids must be new to the ledger) and the dataset id.
  const tag = `eval-${randomBytes(4).toString("hex")}`;
  const seen = new Set<string>();
  const jobs = rows.map((row) => {
    let id = `${tag}.${safeIdPart(row.id)}`;
    if (seen.has(id)) id = `${tag}.line-${row.line}`;
    seen.add(id);
    return rowToJob(row, { kind: options.kind, id });
  });

  const concurrency = options.concurrency ?? 32;
  const routing = { classifier: options.classifier, modelFile: options.modelFile };
  const unthresholded = evalConfig(options.baseConfig, routing, concurrency);
  const scores = jobs.map((job) => scoreJob(job, unthresholded).score);

  let threshold: number;
  let thresholdSource: string;
  if (options.threshold !== undefined) {
    threshold = options.threshold;
    thresholdSource = "--threshold";
  } else if (options.topShare !== undefined) {
    threshold = thresholdForTopShare(scores, options.topShare);
    thresholdSource = `--top-share ${options.topShare} (score quantile of the evaluated rows)`;
  } else {
    threshold = configuredTopThreshold(options.baseConfig, routing);
    thresholdSource =
      options.baseConfig.routing.thresholds && options.baseConfig.routing.classifier === options.classifier
        ? "the config's routing.thresholds (top-tier cut)"
        : options.classifier === "trained"
          ? "the model's default thresholds (top-tier cut)"
          : "the heuristic's default thresholds (top-tier cut)";
  }
  const config = evalConfig(options.baseConfig, { ...routing, threshold }, concurrency);
  config.routing.shadow = { rate: options.shadowRate ?? 0, key: "id", strategy: options.shadowStrategy ?? "uniform" };
  const pair = tierPair(config);
  const scenario: ScenarioInput = {
    seed: 1,
    models: { "*": { latencyMs: 0 } },
    replay: {
      file: resolve(options.dataPath),
      weakModels: pair.cheap.models.map((m) => m.model),
      strongModels: pair.top.models.map((m) => m.model),
    },
  };
  const firstByPrompt = new Map<string, ReplayRow>();
  for (const row of dataset.rows) if (!firstByPrompt.has(replayKey(row))) firstByPrompt.set(replayKey(row), row);
  const servedRows = rows.map((row) => firstByPrompt.get(replayKey(row)) ?? row);
  return {
    options,
    metric: dataset.metric,
    servedRows,
    datasetRows: dataset.rows.length,
    rows,
    jobs,
    scores,
    config,
    pair,
    scenario,
    threshold,
    thresholdSource,
    split,
    warnings,
  };
}

export interface EvalRunDeps {
  db: Db;
  producer: Producer;
  priceBook: PriceBook;
  replayStats?: () => ReplayCounters | undefined;
  /** The kept ledger's description, for the result; unset: the rows go with a throw-away ledger. */
  ledger?: string;
}

const POLL_MS = 250;
/** With the fake answering at once, a minute without a single finished request means something is stuck. */
const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** Enqueues the prepared jobs on a running pipeline, waits for all of them, and scores the ledger. */
export async function executeEval(prepared: PreparedEval, deps: EvalRunDeps): Promise<EvalResult> {
  const { options } = prepared;
  const started = Date.now();
  const enqueued = await deps.producer.enqueueJobs(prepared.jobs, { batchName: `eval ${basename(options.dataPath)}` });
  const warnings = [...prepared.warnings];
  if (enqueued.rejected.length > 0) {
    const first = enqueued.rejected[0]!;
    warnings.push(`${enqueued.rejected.length} row(s) rejected at enqueue and left out (first: row ${first.line}: ${first.reason})`);
  }
  if (enqueued.duplicates > 0) warnings.push(`${enqueued.duplicates} duplicate id(s) were not queued again`);
  const total = enqueued.accepted;
  let lastDone = -1;
  let lastChange = Date.now();
  for (;;) {
    const status = await batchStatus(deps.db, enqueued.batchId);
    const done = status.succeeded + status.failed;
    options.onProgress?.(done, total);
    if (status.done) break;
    if (done !== lastDone) {
      lastDone = done;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > (options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS)) {
      throw new Error(
        `eval stalled: ${done} of ${total} requests finished and none for ${Math.round((Date.now() - lastChange) / 1000)} s (batch ${enqueued.batchId})`,
      );
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, POLL_MS));
  }
  const durationMs = Date.now() - started;

  const ledger = new Map((await readEvalRequests(deps.db, enqueued.batchId)).map((request) => [request.id, request]));
  const topTier = prepared.pair.top.name;
  const results: EvalRowResult[] = [];
  prepared.rows.forEach((row, index) => {
    const job = prepared.jobs[index]!;
    const request = ledger.get(job.id!);
    if (!request) return; // rejected at enqueue
    results.push({
      pair: { weak: outcomeQuality(row.weak, prepared.metric), strong: outcomeQuality(row.strong, prepared.metric) },
      costs: rowCosts(job, prepared.servedRows[index]!, prepared.metric, prepared.pair, deps.priceBook),
      routedTop: request.status === "succeeded" && request.finalTier === topTier,
      failed: request.status !== "succeeded",
      escalated: request.escalations > 0,
      score: request.complexityScore ?? prepared.scores[index]!,
      ledgerCost: parseUsd(request.costUsd),
    });
  });
  if ((options.shadowRate ?? 0) > 0) {
    // Uniform: the draw is the id's hash, so the eval knows the sample. Uncertain: the workers drew
    // on their recent scores; every cheap answer gets a verdict and only the checks made take one.
    const foreseen = (options.shadowStrategy ?? "uniform") === "uniform";
    const verdicts = new Map<string, boolean>();
    prepared.rows.forEach((row, index) => {
      const id = prepared.jobs[index]!.id!;
      const request = ledger.get(id);
      if (
        request?.status === "succeeded" &&
        request.finalTier === prepared.pair.cheap.name &&
        (!foreseen || shadowSampled(id, options.shadowRate!))
      ) {
        verdicts.set(id, outcomeQuality(row.weak, prepared.metric) >= outcomeQuality(row.strong, prepared.metric));
      }
    });
    const labelled = await settleShadowVerdicts(deps.db, enqueued.batchId, verdicts, foreseen ? verdicts.size : Number.POSITIVE_INFINITY);
    if (foreseen && labelled < verdicts.size)
      warnings.push(`${verdicts.size - labelled} sampled shadow check(s) were skipped (top model busy) and give no label`);
    if (!foreseen) warnings.push(`uncertain sampling: ${labelled} shadow label(s) from ${verdicts.size} cheap answer(s)`);
  }
  const summary = summarizeEval(results);
  if (summary.router.failed > 0) warnings.push(`${summary.router.failed} request(s) failed in the pipeline and count as quality 0`);
  const replay = deps.replayStats?.();
  if (replay && replay.misses > 0) warnings.push(`${replay.misses} call(s) found no recorded answer and got a synthetic one`);

  const primary = (tier: EvalTierPair["cheap"]) => ({ tier: tier.name, model: tier.models[0]!.model });
  return {
    data: {
      file: options.dataPath,
      rows: prepared.datasetRows,
      selected: prepared.rows.length,
      metric: prepared.metric,
      split: prepared.split,
    },
    classifier: options.classifier,
    ...(options.modelFile !== undefined ? { model: options.modelFile } : {}),
    threshold: prepared.threshold,
    threshold_source: prepared.thresholdSource,
    tiers: { cheap: primary(prepared.pair.cheap), top: primary(prepared.pair.top) },
    ...summary,
    pipeline: {
      batch_id: enqueued.batchId,
      requests: results.length,
      rejected: enqueued.rejected.length,
      duration_ms: durationMs,
      ledger_cost_usd: await batchCostUsd(deps.db, enqueued.batchId),
      ledger: deps.ledger ?? "discarded",
      ...(replay ? { replay } : {}),
    },
    notes: [
      "router: the chosen threshold, run through the real pipeline (queues, SDKs, fake provider in replay mode, Postgres ledger); quality joins each request's answering tier to the recorded outcome",
      "apgr, cpt50, cpt80, sweep: the threshold sweep computed offline from the scores the ledger recorded for the same jobs",
      "baselines: always_cheap, always_top and oracle priced offline with the same rates and token counts; random = expected value at the router's top share",
      "two tiers: the config's cheapest tier answers with the weak outcome, its top tier with the strong one (middle tiers collapse to the cheap end)",
    ],
    warnings,
  };
}

/**
 * The CLI path: a private queue prefix on REDIS_URL, the ledger at DATABASE_URL (or the embedded
 * PGlite) with `keepLedger`, else a throw-away PGlite; the fake provider in replay mode on a free port,
 * every stage in this process.
 */
export async function runEval(options: EvalOptions, env: Env): Promise<EvalResult> {
  const prepared = await prepareEval(options);
  for (const warning of prepared.warnings) options.onMessage?.(`warning: ${warning}`);
  if (!options.keepLedger && (options.shadowRate ?? 0) > 0) {
    options.onMessage?.("warning: --shadow-rate without --keep-ledger: the shadow labels go with the throw-away ledger");
  }
  const prefix = `${env.QUEUE_PREFIX}-${randomBytes(4).toString("hex")}`;
  const scratch = options.keepLedger ? undefined : await mkdtemp(join(tmpdir(), "llm-router-eval-"));
  const runtime = createRuntime(
    { ...env, QUEUE_PREFIX: prefix, ...(scratch ? { DATABASE_URL: undefined, PGLITE_DIR: scratch } : {}) },
    { config: prepared.config, defaultLogLevel: "warn", redisWaitMs: "forever" },
  );
  const fake = await startFakeLlm({ port: 0, scenario: prepared.scenario });
  try {
    const database = await runtime.database();
    await database.migrate();
    const priceBook = buildPriceBook(prepared.config);
    const worker = await startWorker(runtime, { fakeProviderUrl: fake.url });
    const producer = createProducer({ db: database.db, config: prepared.config });
    runtime.shutdown.register("producer", () => producer.close());
    options.onMessage?.(
      `eval: ${prepared.rows.length} rows, classifier ${options.classifier}, threshold ${prepared.threshold.toFixed(4)} (${prepared.thresholdSource}); ledger ${scratch ? "throw-away (deleted at the end; --keep-ledger keeps it)" : database.describe}`,
    );
    try {
      return await executeEval(prepared, {
        db: database.db,
        producer,
        priceBook,
        replayStats: () => fake.replayStats(),
        ...(scratch ? {} : { ledger: database.describe }),
      });
    } finally {
      await worker.stop();
      await deleteQueuePrefix(runtime.redis(), prefix).catch(() => {});
    }
  } finally {
    await runtime.close();
    await fake.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}
