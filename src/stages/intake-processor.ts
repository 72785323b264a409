import type { LiveConfig } from "../config/live-config.js";
import { describeIssues, queuedJobSchema } from "../jobs/job-schema.js";
import type { LedgerWriter } from "../ledger/ledger-writer.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { TierJobInput } from "../queue/job-payloads.js";
import { classifyJob } from "../routing/index.js";
import { failedOutcome } from "./tier-processor.js";

export interface IntakeStageDeps {
  /** The config in force; read once per job. */
  live: () => LiveConfig;
  ledger: LedgerWriter;
  forward: (tier: string, job: TierJobInput) => Promise<void>;
  logger: Logger;
  metrics: Metrics;
}

export type IntakeEnding = { status: "routed"; tier: string } | { status: "failed"; error: string };

/** Classifies a job and hands it to its first tier. A job that cannot be read or routed ends as a failed request. */
export function createIntakeProcessor(deps: IntakeStageDeps) {
  return async function processIntakeJob(payload: unknown, jobId: string): Promise<IntakeEnding> {
    const parsed = queuedJobSchema.safeParse(payload);
    let error: string;
    if (parsed.success) {
      try {
        const decision = classifyJob(parsed.data.job, deps.live().config);
        await deps.forward(decision.tier, {
          ...parsed.data,
          route: { initialTier: decision.tier, classifier: decision.classifier, reason: decision.reason, score: decision.score },
          escalations: 0,
          attemptsSoFar: 0,
          costSoFarPico: "0",
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
