import type { ErrorKind } from "./scenario.js";

export interface ModelStats {
  calls: number;
  /** Requests of this model open right now: from arrival until the response ends or its connection closes. */
  inFlight: number;
  /** Most requests of this model open at once since the last reset: what concurrency-limit tests assert on. */
  maxInFlight: number;
  /** Drawn error outcomes by status ("429", "529", ...) or "timeout". */
  errors: Record<string, number>;
  invalid: number;
  /** Usage this model reported in its answers (the whole prompt; cache counts are parts of it). */
  inputTokens: number;
  cacheReadTokens: number;
  /** Both lifetimes; cacheWrite1hTokens is the part written for an hour. */
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  /** Batch API work of this model (each item counted under its own model). */
  batch: BatchModelStats;
}

/**
 * Billed follows the providers' rules: an item is billed when it got an answer (a 200: succeeded,
 * invalid answers included); errored, expired and canceled items are not. Token counts are of the
 * billed items only, in the real-time convention (inputTokens is the whole prompt).
 */
export interface BatchModelStats {
  /** Batches created with at least one request of this model. */
  created: number;
  /** Requests submitted in batches. */
  items: number;
  billed: number;
  /** Of billed: answers drawn invalid. */
  invalid: number;
  errored: number;
  expired: number;
  canceled: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
}

export type BatchItemEnd = "billed" | "errored" | "expired" | "canceled";

export interface FakeStats {
  models: Record<string, ModelStats>;
  totalCalls: number;
}

/** Per-model call counters and in-flight gauges. */
export class StatsTracker {
  private models = new Map<string, ModelStats>();
  private totalCalls = 0;

  /** Counts a call as arrived and in flight; returns the function that ends it (safe to call twice). */
  begin(model: string): () => void {
    const stats = this.entry(model);
    stats.calls++;
    this.totalCalls++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      // Look the entry up again: a reset may have replaced it while this call was open.
      this.entry(model).inFlight--;
    };
  }

  recordError(model: string, kind: ErrorKind): void {
    const errors = this.entry(model).errors;
    errors[String(kind)] = (errors[String(kind)] ?? 0) + 1;
  }

  /** Counts the usage of an answer as it is sent: what a ledger of the same calls must sum to. */
  recordUsage(
    model: string,
    usage: { promptTokens: number; cacheReadTokens: number; cacheWriteTokens: number; cacheWrite1hTokens: number },
  ): void {
    const stats = this.entry(model);
    stats.inputTokens += usage.promptTokens;
    stats.cacheReadTokens += usage.cacheReadTokens;
    stats.cacheWriteTokens += usage.cacheWriteTokens;
    stats.cacheWrite1hTokens += usage.cacheWrite1hTokens;
  }

  recordBatchCreated(models: Iterable<string>, itemsPerModel: ReadonlyMap<string, number>): void {
    for (const model of models) {
      const batch = this.entry(model).batch;
      batch.created++;
      batch.items += itemsPerModel.get(model) ?? 0;
    }
  }

  /** Counts how one batch item ended, once, when it ends; usage only for billed items. */
  recordBatchItem(
    model: string,
    end: BatchItemEnd,
    invalid = false,
    usage?: { promptTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; cacheWrite1hTokens: number },
  ): void {
    const batch = this.entry(model).batch;
    batch[end]++;
    if (invalid) batch.invalid++;
    if (end !== "billed" || !usage) return;
    batch.inputTokens += usage.promptTokens;
    batch.outputTokens += usage.outputTokens;
    batch.cacheReadTokens += usage.cacheReadTokens;
    batch.cacheWriteTokens += usage.cacheWriteTokens;
    batch.cacheWrite1hTokens += usage.cacheWrite1hTokens;
  }

  recordInvalid(model: string): void {
    this.entry(model).invalid++;
  }

  /**
   * Zeroes the counters. Calls still open stay counted in inFlight (they will end later), and
   * maxInFlight restarts from them, so the gauges stay exact across a reset.
   */
  reset(): void {
    const open = [...this.models].filter(([, s]) => s.inFlight > 0);
    this.models = new Map(open.map(([model, s]) => [model, { ...emptyStats(), inFlight: s.inFlight, maxInFlight: s.inFlight }]));
    this.totalCalls = 0;
  }

  snapshot(): FakeStats {
    // fromEntries defines own properties, so even a model named "__proto__" is reported plainly.
    const models = Object.fromEntries(
      [...this.models].map(([model, s]) => [model, { ...s, errors: { ...s.errors }, batch: { ...s.batch } }]),
    );
    return { models, totalCalls: this.totalCalls };
  }

  private entry(model: string): ModelStats {
    let stats = this.models.get(model);
    if (!stats) {
      stats = emptyStats();
      this.models.set(model, stats);
    }
    return stats;
  }
}

function emptyStats(): ModelStats {
  return {
    calls: 0,
    inFlight: 0,
    maxInFlight: 0,
    errors: {},
    invalid: 0,
    inputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    batch: {
      created: 0,
      items: 0,
      billed: 0,
      invalid: 0,
      errored: 0,
      expired: 0,
      canceled: 0,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
    },
  };
}
