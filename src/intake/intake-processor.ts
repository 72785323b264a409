import { describeIssues, queuedJobSchema } from "../jobs/job-schema.js";
import type { LedgerWriter } from "../ledger/ledger-writer.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { TierJobInput } from "../queue/job-payloads.js";
import { askRoutingModel, nearThreshold } from "./llm/ask-routing-model.js";
import { classifyJob, scoreJob } from "./index.js";
import { failedOutcome } from "../ledger/records.js";
import type { BudgetGuard } from "../guards/budget-guard.js";
import { callBudget } from "../guards/call-budget.js";
import type { IntakeLiveConfig } from "./loaded-classifier.js";
import { routingRecordOf } from "./routing-record.js";
import type { CancelCheck } from "../guards/cancelled-batch.js";

export interface IntakeStageDeps {
  /** The config in force, with its loaded classifier; read once per job. */
  live: () => IntakeLiveConfig;
  ledger: LedgerWriter;
  forward: (tier: string, job: TierJobInput) => Promise<void>;
  /** Hard budgets the routing call is charged against. Default: none. */
  budgets?: BudgetGuard;
  logger: Logger;
  metrics: Metrics;
  /** Skips (and ends as cancelled) a job of a cancelled batch. Default: no check. */
  cancelled?: CancelCheck;
  now?: () => Date;
}

export type IntakeEnding = { status: "routed"; tier: string } | { status: "failed"; error: string } | { status: "cancelled" };

/** Classifies a job and hands it to its first tier. A job that cannot be read or routed ends as a failed request. */
export function createIntakeProcessor(deps: IntakeStageDeps) {
  return async function processIntakeJob(payload: unknown, jobId: string): Promise<IntakeEnding> {
    if (await deps.cancelled?.(payload, jobId)) return { status: "cancelled" };
    const parsed = queuedJobSchema.safeParse(payload);
    let error: string;
    if (parsed.success) {
      try {
        const live = deps.live();
        const { config } = live;
        let decision = classifyJob(parsed.data.job, config, live.classifier);
        let routingCall;
        const mode = config.routing.classifier;
        // Rules stand; the llm is asked for every other job (llm), or only where the score is borderline (hybrid).
        const askLlm =
          decision.classifier !== "rule" &&
          (mode === "llm" ||
            (mode === "hybrid" &&
              nearThreshold(
                decision.score,
                scoreJob(parsed.data.job, config, decision.signals, live.classifier).thresholds,
                config.routing.hybridMargin,
              )));
        if (askLlm) {
          const asked = await askRoutingModel(parsed.data.job, decision, live, {
            requestId: parsed.data.requestId,
            now: deps.now ?? (() => new Date()),
            attemptNo: (parsed.data.carried?.attempts ?? 0) + 1,
            budget:
              deps.budgets &&
              callBudget(
                deps.budgets,
                { batchId: parsed.data.batchId, feature: parsed.data.job.feature },
                {
                  onSettleError: (error) =>
                    deps.logger.warn({ error: String(error) }, "could not settle a budget reservation; it stays held"),
                },
              ),
          });
          decision = asked.decision;
          routingCall = asked.record;
          // Written before the hand-off: the call happened (and may be billed) whatever comes next.
          if (routingCall) await deps.ledger.write([routingCall]);
        }
        // Before the hand-off, so a request that finishes fast still finds its row and keeps its features.
        await deps.ledger.writeRouting(
          routingRecordOf(parsed.data.requestId, parsed.data.job, decision.signals, config.routing.storePrompts),
        );
        await deps.forward(decision.tier, {
          ...parsed.data,
          route: { initialTier: decision.tier, classifier: decision.classifier, reason: decision.reason, score: decision.score },
          escalations: 0,
          attemptsSoFar: (parsed.data.carried?.attempts ?? 0) + (routingCall ? 1 : 0),
          costSoFarPico: (BigInt(parsed.data.carried?.costPico ?? "0") + (routingCall?.cost ?? 0n)).toString(),
          history: [],
        });
        deps.metrics.jobs.inc({ stage: "intake", outcome: "routed" });
        return { status: "routed", tier: decision.tier };
      } catch (routingError) {
        // Only a job that names a tier or model the (possibly reloaded) config lacks gets here.
        error = `cannot route: ${(routingError as Error).message}`;
      }
    } else {
      error = `malformed job payload: ${describeIssues(parsed.error)}`;
    }
    await deps.ledger.write([], failedOutcome(jobId, error));
    deps.metrics.jobs.inc({ stage: "intake", outcome: "failed" });
    deps.logger.warn({ jobId, error }, "job rejected at intake");
    return { status: "failed", error };
  };
}
