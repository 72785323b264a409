import type { FakeCompletion } from "./completion.js";
import type { FakeRequest } from "./request.js";
import { createRng } from "./rng.js";

/**
 * One provider batch, in provider-neutral terms: its items, the timeline they are answered on, and
 * how each ended. The protocols (openai-batches.ts, anthropic-batches.ts) render it in their shapes.
 *
 * Timeline over the batch's drawn processing time L, from creation: validating for the first 5%,
 * items answered one after another (in a seeded shuffled order, which is also the order results
 * are written in) until 90%, finalizing until L, then ended. Items are answered when their time
 * has come and someone looks (a retrieve, a cancel, or the timer at the end), so a cancel mid-way
 * keeps the answers already due and cancels the rest.
 */

export type ItemResult =
  /** A 200 answer: billed, also when the answer is drawn invalid. */
  | { type: "answered"; invalid: boolean; completion: FakeCompletion; drawId: string; answeredAtMs: number }
  /** An HTTP error (status) or a model call that timed out: not billed. */
  | { type: "error"; status: number | "timeout"; message: string }
  | { type: "expired" }
  | { type: "canceled" };

export interface BatchItem {
  customId: string;
  model: string;
  /** Undefined when the params failed validation (then `invalidParams` says why); dropped once answered. */
  request: FakeRequest | undefined;
  invalidParams?: string;
  result?: ItemResult;
}

export type BatchState = "validating" | "in_progress" | "finalizing" | "canceling" | "ended";
export type EndReason = "completed" | "expired" | "canceled";

export interface BatchPlan {
  createdAtMs: number;
  /** Drawn processing time; Infinity for a batch that never ends. */
  latencyMs: number;
  /** Items left unfinished when the batch ends: 0 unless it expires. */
  expiredCount: number;
  cancelMs: number;
  /** Seeds the processing order. */
  orderSeed: number;
}

const VALIDATING_PART = 0.05;
const ANSWERING_END_PART = 0.9;

export interface ItemHooks {
  /** Answers one item (draws, prompt cache, stats): called once per answered item. */
  answer(item: BatchItem, atMs: number): ItemResult;
  /** Called once for each item that ends without an answer (expired or canceled), for stats. */
  unanswered(item: BatchItem, result: ItemResult): void;
}

export class BatchJob {
  /** Item indexes in processing (and results) order. */
  readonly order: Uint32Array;
  /** How many of `order` have a result. */
  private settled = 0;
  private cancelAtMs: number | undefined;
  private endedAtMs: number | undefined;
  private reason: EndReason | undefined;

  constructor(
    readonly provider: "openai" | "anthropic",
    readonly id: string,
    readonly items: BatchItem[],
    readonly plan: BatchPlan,
  ) {
    this.order = shuffledIndexes(items.length, plan.orderSeed);
  }

  get createdAtMs(): number {
    return this.plan.createdAtMs;
  }

  get endsAtMs(): number {
    return this.plan.createdAtMs + this.plan.latencyMs;
  }

  /** When the batch starts (or started) finalizing: undefined if it never will (cancelled first, or never ends). */
  get finalizingAtMs(): number | undefined {
    if (!Number.isFinite(this.plan.latencyMs)) return undefined;
    const at = this.plan.createdAtMs + this.plan.latencyMs * ANSWERING_END_PART;
    if (this.cancelAtMs !== undefined && this.cancelAtMs < at) return undefined;
    return at;
  }

  get cancelInitiatedAtMs(): number | undefined {
    return this.cancelAtMs;
  }

  get endedAt(): number | undefined {
    return this.endedAtMs;
  }

  get endReason(): EndReason | undefined {
    return this.reason;
  }

  /** Items with a result so far. */
  get settledCount(): number {
    return this.settled;
  }

  state(nowMs: number): BatchState {
    if (this.endedAtMs !== undefined) return "ended";
    if (this.cancelAtMs !== undefined) return "canceling";
    if (!Number.isFinite(this.plan.latencyMs)) return "in_progress";
    const elapsed = nowMs - this.plan.createdAtMs;
    if (elapsed < this.plan.latencyMs * VALIDATING_PART) return "validating";
    if (elapsed < this.plan.latencyMs * ANSWERING_END_PART) return "in_progress";
    return "finalizing";
  }

  /** When the next thing happens without anyone looking (undefined: nothing will). */
  nextWakeMs(): number | undefined {
    if (this.endedAtMs !== undefined) return undefined;
    if (this.cancelAtMs !== undefined) return this.cancelAtMs + this.plan.cancelMs;
    return Number.isFinite(this.plan.latencyMs) ? this.endsAtMs : undefined;
  }

  /**
   * Answers the items whose time has come (at most `budget` of them), and ends the batch when its
   * time has come and every answer is in. True when answers that are due are still to be made: the
   * caller continues later, so a 50,000-item batch never blocks the server in one go (meanwhile
   * the batch shows as finalizing).
   */
  advance(nowMs: number, hooks: ItemHooks, budget = Infinity): boolean {
    if (this.endedAtMs !== undefined) return false;
    if (this.cancelAtMs !== undefined) {
      if (nowMs >= this.cancelAtMs + this.plan.cancelMs) this.end(this.cancelAtMs + this.plan.cancelMs, "canceled");
      return false;
    }
    const toAnswer = this.items.length - this.plan.expiredCount;
    for (let made = 0; this.settled < toAnswer && this.dueAtMs(this.settled, toAnswer) <= nowMs; made++) {
      if (made >= budget) return true;
      this.settle(hooks.answer(this.itemAt(this.settled), this.dueAtMs(this.settled, toAnswer)));
    }
    if (nowMs < this.endsAtMs) return false;
    while (this.settled < this.items.length) {
      const result: ItemResult = { type: "expired" };
      hooks.unanswered(this.itemAt(this.settled), result);
      this.settle(result);
    }
    this.end(this.endsAtMs, this.plan.expiredCount > 0 ? "expired" : "completed");
    return false;
  }

  /**
   * Answers what is due, cancels the rest at once (so they are never answered later), and ends
   * after the scenario's cancel time. False when the batch had already ended or was canceling.
   */
  cancel(nowMs: number, hooks: ItemHooks): boolean {
    this.advance(nowMs, hooks);
    if (this.endedAtMs !== undefined || this.cancelAtMs !== undefined) return false;
    this.cancelAtMs = nowMs;
    while (this.settled < this.items.length) {
      const result: ItemResult = { type: "canceled" };
      hooks.unanswered(this.itemAt(this.settled), result);
      this.settle(result);
    }
    this.advance(nowMs, hooks);
    return true;
  }

  /** Items in results order, with their results (only once the batch has ended are all there). */
  *results(): Generator<BatchItem & { result: ItemResult }> {
    for (let k = 0; k < this.settled; k++) yield this.itemAt(k) as BatchItem & { result: ItemResult };
  }

  countBy(type: ItemResult["type"]): number {
    let n = 0;
    for (let k = 0; k < this.settled; k++) if (this.itemAt(k).result?.type === type) n++;
    return n;
  }

  private dueAtMs(k: number, toAnswer: number): number {
    const { createdAtMs, latencyMs } = this.plan;
    const start = latencyMs * VALIDATING_PART;
    const span = latencyMs * (ANSWERING_END_PART - VALIDATING_PART);
    return createdAtMs + start + (span * (k + 1)) / toAnswer;
  }

  private itemAt(k: number): BatchItem {
    return this.items[this.order[k]!]!;
  }

  private settle(result: ItemResult): void {
    const item = this.itemAt(this.settled++);
    item.result = result;
    // The prompt is not needed once answered; a 50,000-item batch should not keep it.
    item.request = undefined;
  }

  private end(atMs: number, reason: EndReason): void {
    this.endedAtMs = atMs;
    this.reason = reason;
  }
}

/** Fisher-Yates over 0..n-1, seeded: the order items are processed and results are written in. */
function shuffledIndexes(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = createRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
