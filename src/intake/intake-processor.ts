import type { LiveConfig } from "../providers/live-config.js";
import { describeIssues, queuedJobSchema } from "../jobs/job-schema.js";
import type { LedgerWriter } from "../ledger/ledger-writer.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { TierJobInput } from "../queue/job-payloads.js";
import { askRoutingModel, nearThreshold } from "./llm/ask-routing-model.js";
import { classifyJob, scoreJob } from "./index.js";
import { failedOutcome } from "../ledger/records.js";
import type { CancelCheck } from "../guards/cancelled-batch.js";

export interface IntakeStageDeps {
  /** The config in force; read once per job. */
  live: () => LiveConfig;
  ledger: LedgerWriter;
  forward: (tier: string, job: TierJobInput) => Promise<void>;
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
        let decision = classifyJob(parsed.data.job, config);
        let routingCall;
        const mode = config.routing.classifier;
        // Rules stand; the llm is asked for every other job (llm), or only where the score is borderline (hybrid).
        const askLlm =
          decision.classifier !== "rule" &&
          (mode === "llm" ||
            (mode === "hybrid" &&
              nearThreshold(decision.score, scoreJob(parsed.data.job, config, decision.signals).thresholds, config.routing.hybridMargin)));
        if (askLlm) {
          const asked = await askRoutingModel(parsed.data.job, decision, live, {
            requestId: parsed.data.requestId,
            now: deps.now ?? (() => new Date()),
            attemptNo: (parsed.data.carried?.attempts ?? 0) + 1,
          });
          decision = asked.decision;
          routingCall = asked.record;
          // Written before the hand-off: the call happened (and may be billed) whatever comes next.
          if (routingCall) await deps.ledger.write([routingCall]);
        }
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
