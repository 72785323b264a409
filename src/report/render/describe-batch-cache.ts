import type { BatchCacheFigures } from "../query/batch-cache.js";
import { usd } from "./describe-batch.js";

const pct = (value: number | null) => (value === null ? "n/a" : `${value}%`);
const saved = (value: string | null) => (value === null ? "n/a (unpriced model)" : usd(value));

/** The prompt-caching lines of `batch ID`. */
export function describeBatchCache(cache: BatchCacheFigures): string {
  const lines = [`prompt cache: hit rate ${pct(cache.cacheHitPercent)} of input tokens; saved ${saved(cache.cacheSavedUsd)}`];
  for (const model of cache.byModel) {
    lines.push(
      `  ${model.model}: ${pct(model.cacheHitPercent)} hit (${model.cacheReadTokens} read, ${model.cacheWriteTokens} written of ${model.inputTokens} input tokens), saved ${saved(model.cacheSavedUsd)}`,
    );
  }
  return lines.join("\n");
}
