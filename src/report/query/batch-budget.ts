import type { BudgetGuard } from "../../guards/budget-guard.js";
import { isPaused } from "../../guards/budget-decision.js";
import { formatUsd } from "../../pricing/money.js";

/** A batch's budget as `batch`, `batches`, the dashboard and the HTML report show it (exact USD strings). */
export interface BatchBudget {
  limitUsd: string;
  spentUsd: string;
  /** Calls in flight at their worst case, and calls whose worker died mid-call (their cost unknown, kept). */
  reservedUsd: string;
  /** limit − spent − reserved; negative when the budget was lowered below what is used. */
  remainingUsd: string;
  /** `budget` when a call of this unfinished batch was refused since the limit was last set: its jobs wait. */
  paused: "budget" | null;
}

/** The batch's budget, or null when it has none. `done`: a finished batch is never shown as paused. */
export async function batchBudget(guard: BudgetGuard, batchId: string, done: boolean): Promise<BatchBudget | null> {
  const state = await guard.batchState(batchId);
  if (!state) return null;
  return {
    limitUsd: formatUsd(state.limit),
    spentUsd: formatUsd(state.spent),
    reservedUsd: formatUsd(state.reserved),
    remainingUsd: formatUsd(state.remaining),
    paused: !done && isPaused(state) ? "budget" : null,
  };
}
