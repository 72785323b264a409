import type { BudgetGuard } from "../guards/budget-guard.js";
import type { Db } from "../ledger/db/database.js";
import { batchBudget, type BatchBudget } from "../report/query/batch-budget.js";
import { batchCache, type BatchCacheFigures } from "../report/query/batch-cache.js";
import type { RatesLookup } from "../report/query/cache-savings.js";
import { describeBudget, usd } from "../report/render/describe-batch.js";
import { escapeXml as esc } from "../report/render/svg-charts.js";

/** A batch card's money lines beyond its cost: its budget (when it has one) and its prompt-cache figures. */
export interface BatchMoney {
  budget: BatchBudget | null;
  cache: BatchCacheFigures;
}

export async function loadBatchMoney(
  db: Db,
  budgets: BudgetGuard,
  rates: RatesLookup,
  batchId: string,
  done: boolean,
): Promise<BatchMoney> {
  const [budget, cache] = await Promise.all([batchBudget(budgets, batchId, done), batchCache(db, batchId, rates)]);
  return { budget, cache };
}

const pct = (value: number | null) => (value === null ? "n/a" : `${value}%`);

/** The lines as HTML: `paused: budget` stands out, as `batch ID` prints it. */
export function batchMoneyHtml(money: BatchMoney): string {
  const budget = money.budget
    ? `<p class="budget${money.budget.paused ? " paused" : ""}"><b>${esc(describeBudget(money.budget))}</b></p>`
    : "";
  const saved = money.cache.cacheSavedUsd === null ? "n/a (unpriced model)" : usd(money.cache.cacheSavedUsd);
  return `${budget}<p class="cache">prompt cache: hit rate <b>${esc(pct(money.cache.cacheHitPercent))}</b> of input tokens; saved <b>${esc(saved)}</b></p>`;
}
