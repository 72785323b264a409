import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { sql, type SQL } from "drizzle-orm";
import type { RouterConfig } from "../config/router-config-schema.js";
import { queryRows, type Db } from "../ledger/db/database.js";
import type { JobKind } from "../jobs/job-schema.js";
import type { PriceBook } from "../pricing/price-book.js";
import { scoreJob } from "../intake/classify-job.js";
import { loadTrainedModel } from "../intake/trained/trained-model.js";
import type { MixRow } from "./calibrate.js";
import { costOnTier } from "./eval-costs.js";
import { outcomeQuality, parseReplayJsonl, rowToJob, type QualityMetric } from "../fake-llm/replay-dataset.js";
import { selectRows, type SelectedSplit, type SplitChoice } from "./select-rows.js";

/**
 * Where `calibrate` gets its score sample: a labelled replay file (scores from the configured
 * classifier, costs per tier priced from the recorded answers, and qualities), or the ledger's
 * recorded `complexity_score`s (costs from what requests answered on each tier actually cost;
 * no qualities — the ledger does not know which answers were right).
 */

export interface FileSample {
  rows: MixRow[];
  metric: QualityMetric;
  split: SelectedSplit;
  warnings: string[];
}

/** A labelled file's rows, scored by `config.routing`'s classifier and priced on every tier. */
export async function sampleFromFile(
  dataPath: string,
  config: RouterConfig,
  priceBook: PriceBook,
  options: { split: SplitChoice; kind: JobKind },
): Promise<FileSample> {
  const text = await readFile(dataPath, "utf8");
  const dataset = parseReplayJsonl(text, dataPath);
  const sha256 = createHash("sha256").update(text).digest("hex");
  const routing = config.routing;
  const model = routing.classifier !== "heuristic" && routing.modelFile ? loadTrainedModel(routing.modelFile) : undefined;
  const selected = selectRows(dataset.rows, sha256, options.split, model);
  const top = config.tiers.length - 1;
  const rows = selected.rows.map((row): MixRow => {
    const job = rowToJob(row, { kind: options.kind });
    return {
      score: scoreJob(job, config).score,
      // Below the top tier the recorded weak answer's length is the best guess at the answer.
      costs: config.tiers.map(
        (tier, index) => Number(costOnTier(job, row, index === top ? "strong" : "weak", dataset.metric, tier, priceBook)) / 1e12,
      ),
      weak: outcomeQuality(row.weak, dataset.metric),
      strong: outcomeQuality(row.strong, dataset.metric),
    };
  });
  return { rows, metric: dataset.metric, split: selected.split, warnings: selected.warnings };
}

export interface LedgerSampleOptions {
  /** Only requests scored by this classifier (rule decisions never use thresholds). */
  classifier: string;
  since?: Date;
  batchId?: string;
}

export interface LedgerSample {
  rows: MixRow[];
  /** Mean cost of a request answered on each tier without escalating; null when none has been. */
  tierCostUsd: (number | null)[];
}

/**
 * The ledger's finished requests: their recorded scores, each priced at the mean cost of requests
 * that were answered on each tier at the first try (a tier with no such requests prices as 0 and is
 * reported as unknown).
 */
export async function sampleFromLedger(db: Db, tierNames: string[], options: LedgerSampleOptions): Promise<LedgerSample> {
  const filters: SQL[] = [sql`status <> 'queued'`, sql`complexity_score is not null`, sql`classifier = ${options.classifier}`];
  if (options.since) filters.push(sql`created_at >= ${options.since.toISOString()}`);
  if (options.batchId) filters.push(sql`batch_id = ${options.batchId}`);
  const where = sql.join(filters, sql` and `);
  const scores = await queryRows<{ score: number }>(db, sql`select complexity_score as score from requests where ${where}`);
  const costs = await queryRows<{ tier: string; cost: string }>(
    db,
    sql`select final_tier as tier, avg(cost_usd)::text as cost from requests
        where ${where} and status = 'succeeded' and escalations = 0 and final_tier is not null group by final_tier`,
  );
  const byTier = new Map(costs.map((row) => [row.tier, Number(row.cost)] as const));
  const tierCostUsd = tierNames.map((name) => byTier.get(name) ?? null);
  const rowCosts = tierCostUsd.map((cost) => cost ?? 0);
  return { rows: scores.map((row) => ({ score: Number(row.score), costs: rowCosts })), tierCostUsd };
}
