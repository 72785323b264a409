import { z } from "zod";
import { queuedJobSchema } from "../jobs/job-schema.js";

/**
 * What travels between stages. Checked again when a worker takes a job, because a job can wait in
 * Redis across a deploy that changed these shapes.
 */
export const routeSchema = z.object({
  initialTier: z.string(),
  classifier: z.string(),
  reason: z.string(),
  score: z.number(),
});

export const tierJobSchema = queuedJobSchema.extend({
  route: routeSchema,
  /** Tiers already climbed. */
  escalations: z.number().int().min(0),
  /** Calls already made (and written) in lower tiers; numbering continues from here. */
  attemptsSoFar: z.number().int().min(0),
  /** Their cost, in picodollars as a decimal string (bigint does not survive JSON). */
  costSoFarPico: z.string().regex(/^\d+$/),
  /** Errors from lower tiers, newest last, for the failure reason if the top tier fails too. */
  history: z.array(z.string()).max(50),
  /** Times this job went back to its queue because the tier's models were all cooling down. */
  deferrals: z.number().int().min(0).default(0),
  /** Time this request has spent deferred for busy models (cooling down, circuit open, rate limits), every tier together. */
  waitedMs: z.number().int().min(0).default(0),
  /** Times this job waited on a budget (no attempt burned, no deferral counted): its re-checks back off. */
  budgetPauses: z.number().int().min(0).default(0),
  /** Models of this tier whose batch lane this job already went through (src/batch-lane/): the lane moves on to the next. */
  batchTried: z.array(z.string()).max(50).optional(),
  /** The batch lane gave up on this tier (deadline too close, provider refused): run it in real time. */
  realtimeOnly: z.boolean().optional(),
  /** Set on a shadow job: the answer a cheaper tier gave, which the top tier is asked to check. */
  shadowOf: z.object({ tier: z.string(), model: z.string(), answer: z.string() }).optional(),
});
export type TierJob = z.infer<typeof tierJobSchema>;
/** What a stage hands to the next queue: `deferrals` may be left out (a fresh start in that tier). */
export type TierJobInput = z.input<typeof tierJobSchema>;
