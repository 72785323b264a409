import { displayUsd, parseUsd } from "../../pricing/money.js";
import type { BatchStatus } from "../query/batch-status.js";
import type { BatchBudget } from "../query/batch-budget.js";
import { formatDuration } from "../query/finish-rate.js";

export const usd = (value: string) => `$${displayUsd(parseUsd(value), 4)}`;

/** The budget line of `batch`: exact to the picodollar, as the budget is. */
export function describeBudget(budget: BatchBudget): string {
  const state = budget.paused ? "paused: budget" : "budget";
  return `${state} $${budget.limitUsd}: spent $${budget.spentUsd}, reserved $${budget.reservedUsd}, remaining $${budget.remainingUsd}`;
}

export function describeBatch(status: BatchStatus): string {
  const finished = status.finished;
  const percent = status.jobs > 0 ? ` (${Math.floor((1000 * finished) / status.jobs) / 10}%)` : "";
  const eta = status.done
    ? "done"
    : status.etaMs === null
      ? "ETA unknown until a job finishes"
      : `ETA ${formatDuration(status.etaMs)} at ${status.finishRatePerSecond}/s`;
  const lines = [
    `batch ${status.id} (${status.name}), created ${status.createdAt}`,
    `jobs ${status.jobs}: ${finished} finished${percent} (${status.succeeded} succeeded, ${status.failed} failed, ${status.cancelled} cancelled), ${status.queued} in progress; ${status.rejectedAtEnqueue} rejected at enqueue; ${eta}`,
    `escalated ${status.escalated}; cost ${usd(status.costUsd)}; all-top-tier baseline ${usd(status.baselineCostUsd)}`,
  ];
  if (status.cancelledAt) lines.push(`cancelled at ${status.cancelledAt}`);
  if (!status.done) lines.push(`cost so far, calls of unfinished jobs included: ${usd(status.costSoFarUsd)}`);
  for (const tier of status.byFinalTier) lines.push(`  ended in ${tier.tier}: ${tier.requests} requests, ${usd(tier.costUsd)}`);
  if (status.byTier.length > 0) {
    lines.push("per tier:");
    for (const tier of status.byTier) {
      lines.push(
        `  ${tier.tier}: ${tier.calls} calls (${tier.failedCalls} failed), ${usd(tier.costUsd)}; ${tier.requestsEnded} requests ended there`,
      );
    }
  }
  if (status.atProvider) {
    lines.push("waiting at the provider (batch lane):");
    for (const sub of status.atProvider) {
      lines.push(
        `  ${sub.items} of ${sub.totalItems} items in ${sub.provider} batch ${sub.providerBatchId ?? "(being created)"} (${sub.tier}/${sub.model}, ${sub.state}${sub.submittedAt ? `, since ${sub.submittedAt}` : ""})`,
      );
    }
  }
  if (status.failureReasons.length > 0) {
    lines.push("top failure reasons:");
    for (const failure of status.failureReasons) lines.push(`  ${failure.requests} × ${failure.reason}`);
  }
  return lines.join("\n");
}
