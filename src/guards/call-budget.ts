import type { Picodollars } from "../pricing/money.js";
import type { BudgetGuard, BudgetTicket } from "./budget-guard.js";
import { budgetRecheckMs } from "./budget-decision.js";

/** A call was not made because a budget would have gone over: the job waits, it is not failed. */
export class BudgetPausedError extends Error {
  override name = "BudgetPausedError";
  constructor(
    /** Which budget stopped it, e.g. `batch` or `feature support day 2025-06-01`. */
    readonly scope: string,
    readonly retryInMs: number,
  ) {
    super(`budget ${scope} has not enough left for this call's worst case; waiting`);
  }
}

/** The budget side of one provider call, bound to the budgets that apply to it (see callModel). */
export interface CallBudget {
  /** Holds the call's worst case, or throws BudgetPausedError (no call). Redis errors propagate: no call either. */
  reserve(worstCase: Picodollars): Promise<BudgetTicket>;
  /** Settles to the exact cost (0: released). Never throws: an unsettled reservation simply stays held. */
  settle(ticket: BudgetTicket, cost: Picodollars): Promise<void>;
  /** An abandoned call (its worker died mid-call; it may have been billed): the worst case becomes spent. Never throws. */
  keep(ticket: BudgetTicket): Promise<void>;
}

/**
 * Binds the guard to one call of a batch and feature. `pauses` is how often this job has already
 * waited on a budget, so its re-checks back off.
 */
export function callBudget(
  guard: BudgetGuard,
  call: { batchId: string; feature?: string; pauses?: number },
  options: { onSettleError?: (error: unknown) => void; random?: () => number } = {},
): CallBudget {
  return {
    async reserve(worstCase) {
      const result = await guard.reserve(guard.scopesFor(call), worstCase);
      if (result.ok) return result.ticket;
      throw new BudgetPausedError(result.scope.label, budgetRecheckMs(call.pauses ?? 0, (options.random ?? Math.random)()));
    },
    async settle(ticket, cost) {
      try {
        await guard.settle(ticket, cost);
      } catch (error) {
        options.onSettleError?.(error);
      }
    },
    async keep(ticket) {
      try {
        await guard.keep(ticket);
      } catch (error) {
        options.onSettleError?.(error);
      }
    },
  };
}
