import type { RouterConfig } from "../config/router-config-schema.js";
import type { JobInput, QueuedJob } from "../jobs/job-schema.js";
import type { TierJobInput } from "../queue/job-payloads.js";
import { INTAKE_STAGE } from "../queue/queue-names.js";
import { classifyJob } from "../intake/classify-job.js";
import type { LoadedClassifier } from "../intake/loaded-classifier.js";
import { routingRecordOf } from "../intake/routing-record.js";

/** What a request row holds for the feeder: the stage its job starts in, the job as queued there, and the routing kept for learning. */
export interface BacklogEntry {
  /** `intake`, or the tier the job was routed to at enqueue. */
  stage: string;
  payload: QueuedJob | TierJobInput;
  /** Set when routed at enqueue: what intake would have written (requests.routing_features, prompt, initial tier, reason). */
  routing?: {
    features: unknown;
    prompt?: string;
    initialTier: string;
    classifier: string;
    reason: string;
    score: number;
  };
}

/**
 * Classifiers that need no model call route at enqueue, and the job skips intake (one queue hop instead
 * of two); `llm` and `hybrid` may call a model, which is intake's work (its budget, its attempts).
 */
export function routesAtEnqueue(config: RouterConfig): boolean {
  return config.routing.classifier === "heuristic" || config.routing.classifier === "trained";
}

/**
 * The backlog entry of one accepted job. Routed here exactly as intake would (classifyJob and the same
 * routing record), so a job's first tier does not depend on where it was decided. Throws as classifyJob
 * does, which the producer's checks (validateRoutingTargets) have already ruled out.
 */
export function backlogEntryOf(
  queued: QueuedJob,
  config: RouterConfig,
  classifier: LoadedClassifier | undefined,
  routeNow: boolean,
): BacklogEntry {
  if (!routeNow) return { stage: INTAKE_STAGE, payload: queued };
  const job: JobInput = queued.job;
  const decision = classifyJob(job, config, classifier);
  const record = routingRecordOf(queued.requestId, job, decision.signals, config.routing.storePrompts);
  const route = { initialTier: decision.tier, classifier: decision.classifier, reason: decision.reason, score: decision.score };
  return {
    stage: decision.tier,
    payload: { ...queued, route, escalations: 0, attemptsSoFar: 0, costSoFarPico: "0", history: [] } satisfies TierJobInput,
    routing: { features: record.features, prompt: record.prompt, ...route },
  };
}
