import type { ClassifierMode } from "../config/routing-config-schema.js";
import { routerConfigSchema, type RouterConfig } from "../config/router-config-schema.js";
import type { Db } from "../ledger/db/database.js";
import { sampleFromFile, sampleFromLedger } from "./calibration-sources.js";
import type { QualityMetric } from "../fake-llm/replay-dataset.js";
import type { SelectedSplit, SplitChoice } from "./select-rows.js";
import type { JobKind } from "../jobs/job-schema.js";
import { buildPriceBook } from "../pricing/price-book.js";
import { summarizeMix, targetShares, thresholdsForMaxShares, type MixRow, type MixSummary } from "./calibrate.js";
import { routingSnippet } from "./write-routing-config.js";
import { UsageError } from "../errors/router-error.js";

/** `llm-router calibrate`: thresholds for a target mix, from a labelled file or the ledger. */

export type CalibrationSource =
  | { kind: "file"; dataPath: string; split: SplitChoice; jobKind: JobKind }
  | { kind: "ledger"; db: Db; describe: string; since?: Date; batchId?: string };

export interface CalibrateOptions {
  source: CalibrationSource;
  baseConfig: RouterConfig;
  classifier: Extract<ClassifierMode, "heuristic" | "trained">;
  modelFile?: string;
  maxTopShare?: number;
  shares?: number[];
}

export interface CalibrateResult {
  classifier: CalibrateOptions["classifier"];
  modelFile?: string;
  tiers: string[];
  target_shares: number[];
  thresholds: number[];
  expected: MixSummary;
  source: { kind: "file"; file: string; split: SelectedSplit; metric: QualityMetric } | { kind: "ledger"; database: string };
  rows: number;
  /** Ledger source: mean cost of a request answered on each tier at the first try (null: none yet). */
  tier_cost_usd?: (number | null)[];
  snippet: string;
  warnings: string[];
}

export async function runCalibrate(options: CalibrateOptions): Promise<CalibrateResult> {
  if (options.classifier === "trained" && options.modelFile === undefined) throw new UsageError("--classifier trained needs --model FILE");
  // Score with the classifier under calibration and no thresholds: those are what this computes.
  const config = routerConfigSchema.parse({
    ...options.baseConfig,
    routing: { ...options.baseConfig.routing, classifier: options.classifier, modelFile: options.modelFile, thresholds: undefined },
  });
  const tiers = config.tiers.map((tier) => tier.name);
  const shares = targetShares(tiers.length, { maxTopShare: options.maxTopShare, shares: options.shares });
  const warnings: string[] = [];
  let rows: MixRow[];
  let source: CalibrateResult["source"];
  let tierCost: (number | null)[] | undefined;
  if (options.source.kind === "file") {
    const sample = await sampleFromFile(options.source.dataPath, config, buildPriceBook(config), {
      split: options.source.split,
      kind: options.source.jobKind,
    });
    rows = sample.rows;
    warnings.push(...sample.warnings);
    source = { kind: "file", file: options.source.dataPath, split: sample.split, metric: sample.metric };
  } else {
    const sample = await sampleFromLedger(options.source.db, tiers, {
      classifier: options.classifier,
      since: options.source.since,
      batchId: options.source.batchId,
    });
    rows = sample.rows;
    tierCost = sample.tierCostUsd;
    source = { kind: "ledger", database: options.source.describe };
    const unknown = tiers.filter((_, index) => sample.tierCostUsd[index] === null);
    if (unknown.length > 0)
      warnings.push(`no request has been answered on ${unknown.join(", ")} yet: its cost counts as 0 in the expected cost`);
  }
  if (rows.length === 0) {
    throw new Error(
      options.source.kind === "ledger"
        ? `the ledger has no finished requests scored by the ${options.classifier} classifier${options.source.batchId ? ` in batch ${options.source.batchId}` : ""}`
        : "no rows to calibrate on",
    );
  }
  const thresholds = thresholdsForMaxShares(
    rows.map((row) => row.score),
    shares,
  );
  const expected = summarizeMix(rows, thresholds);
  return {
    classifier: options.classifier,
    ...(options.modelFile !== undefined ? { modelFile: options.modelFile } : {}),
    tiers,
    target_shares: shares,
    thresholds,
    expected,
    source,
    rows: rows.length,
    ...(tierCost ? { tier_cost_usd: tierCost } : {}),
    snippet: routingSnippet({ classifier: options.classifier, modelFile: options.modelFile, thresholds }),
    warnings,
  };
}
