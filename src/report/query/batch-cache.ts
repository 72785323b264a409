import type { Db } from "../../ledger/db/database.js";
import type { RatesLookup } from "./cache-savings.js";
import { buildReport } from "./report-query.js";

/** Prompt caching in one batch: what `batch ID` shows under its totals (and the dashboard may read). */
export interface BatchCacheFigures {
  /** Cached input tokens / input tokens over the batch's calls, 0–100; null before any call. */
  cacheHitPercent: number | null;
  /** Exact; null when a model has no known price. */
  cacheSavedUsd: string | null;
  byModel: {
    model: string;
    inputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
    cacheHitPercent: number | null;
    cacheSavedUsd: string | null;
  }[];
}

export async function batchCache(db: Db, batchId: string, rates: RatesLookup): Promise<BatchCacheFigures> {
  const report = await buildReport(db, ["model"], { batchId }, { cacheRates: rates });
  return {
    cacheHitPercent: report.summary.cacheHitPercent ?? null,
    cacheSavedUsd: report.summary.cacheSavedUsd ?? null,
    byModel: report.rows.map((row) => ({
      model: row.group.model!,
      inputTokens: row.inputTokens,
      cacheReadTokens: row.cacheReadTokens,
      cacheWriteTokens: row.cacheWriteTokens,
      cacheHitPercent: row.cacheHitPercent ?? null,
      cacheSavedUsd: row.cacheSavedUsd ?? null,
    })),
  };
}
