import { z } from "zod";
import type { LatencySpec } from "./latency.js";

/**
 * Scenario keys of the batch APIs, per model (or "*"), merged field by field like the real-time keys.
 * A batch is governed by the model of its requests (OpenAI: the file's one model; Anthropic, whose
 * batches may mix models: the model of the first request). Per-item outcomes still come from each
 * item's own model (`errors`, `invalidRate`, ...).
 */

/** Longest batch processing time a scenario may ask for: the providers' 24-hour window. */
export const MAX_BATCH_LATENCY_MS = 24 * 60 * 60 * 1000;

const batchMilliseconds = z
  .number({ message: "must be a number of milliseconds" })
  .min(0, { message: "must be >= 0" })
  .max(MAX_BATCH_LATENCY_MS, { message: "must be at most 86400000 (24 hours)" });

const probability = z
  .number({ message: "must be a number" })
  .min(0, { message: "must be a probability between 0 and 1" })
  .max(1, { message: "must be a probability between 0 and 1" });

const count = z.number().int({ message: "must be a whole number" }).min(0, { message: "must be >= 0" });

const batchLatencySchema = z.union(
  [
    batchMilliseconds,
    z
      .strictObject({ min: batchMilliseconds, max: batchMilliseconds })
      .refine((range) => range.min <= range.max, { message: "min must be <= max" }),
    z
      .strictObject({ p50: batchMilliseconds, p99: batchMilliseconds })
      .refine((range) => range.p50 <= range.p99, { message: "p50 must be <= p99" }),
  ],
  { message: "must be a number of milliseconds, { min, max } or { p50, p99 }" },
);

const createErrorsSchema = z.strictObject({
  /** The status answered (default 500). */
  status: z.number().int().min(500, { message: "must be a 5xx status" }).max(599, { message: "must be a 5xx status" }).optional(),
  /** The first N creates for this model fail. */
  first: count.optional(),
  /** Each create fails with this chance (seeded). */
  rate: probability.optional(),
  /** The batch is created all the same and only the answer is lost: the ambiguous failure. Default false. */
  afterCreate: z.boolean().optional(),
});

/** Merged into the model entry schema of scenario.ts. */
export const batchBehaviourKeys = {
  /** From create to ended. Default 0 (ends at once). Up to 24 hours. */
  batchLatencyMs: batchLatencySchema.optional(),
  /** Chance a batch expires with some items unfinished. Default 0. */
  batchExpireRate: probability.optional(),
  /** Part of an expiring batch's items left unfinished (at least one). Default 0.5. */
  batchExpireFraction: probability.optional(),
  /** How long a cancelled batch stays canceling/cancelling. Default 0. */
  batchCancelMs: batchMilliseconds.optional(),
  /** Bad input: the batch stays in progress until cancelled. Default false. */
  batchNeverEnds: z.boolean().optional(),
  /** Bad input: this many extra result lines for custom_ids that were never submitted. Default 0. */
  batchUnknownResults: count.optional(),
  /** Bad input: the results (OpenAI: the output file) stop in the middle of a line, about half way. Default false. */
  batchTruncateResults: z.boolean().optional(),
  /** Bad input: batch create answers a 5xx. Default: never. */
  batchCreateErrors: createErrorsSchema.optional(),
} as const;

type BatchEntry = { [K in keyof typeof batchBehaviourKeys]?: z.output<(typeof batchBehaviourKeys)[K]> };

export interface BatchBehaviour {
  latencyMs: LatencySpec;
  expireRate: number;
  expireFraction: number;
  cancelMs: number;
  neverEnds: boolean;
  unknownResults: number;
  truncateResults: boolean;
  createErrors: { status: number; first: number; rate: number; afterCreate: boolean };
}

export const DEFAULT_EXPIRE_FRACTION = 0.5;

/** `entry`: the model's entry already merged over "*" (scenario.ts). */
export function batchBehaviourOf(entry: BatchEntry): BatchBehaviour {
  const create = entry.batchCreateErrors ?? {};
  return {
    latencyMs: entry.batchLatencyMs ?? 0,
    expireRate: entry.batchExpireRate ?? 0,
    expireFraction: entry.batchExpireFraction ?? DEFAULT_EXPIRE_FRACTION,
    cancelMs: entry.batchCancelMs ?? 0,
    neverEnds: entry.batchNeverEnds ?? false,
    unknownResults: entry.batchUnknownResults ?? 0,
    truncateResults: entry.batchTruncateResults ?? false,
    createErrors: {
      status: create.status ?? 500,
      first: create.first ?? 0,
      rate: create.rate ?? 0,
      afterCreate: create.afterCreate ?? false,
    },
  };
}

/**
 * The providers' limits. Scenario key `batchLimits` (top level) may lower them so tests can hit
 * them with small files; it may not raise them.
 */
export const PROVIDER_BATCH_LIMITS = {
  openaiMaxRequests: 50_000,
  openaiMaxBytes: 200 * 1024 * 1024,
  anthropicMaxRequests: 100_000,
  anthropicMaxBytes: 256 * 1024 * 1024,
} as const;

export type BatchLimits = { -readonly [K in keyof typeof PROVIDER_BATCH_LIMITS]: number };

export const batchLimitsSchema = z.strictObject({
  openaiMaxRequests: count.max(PROVIDER_BATCH_LIMITS.openaiMaxRequests).optional(),
  openaiMaxBytes: count.max(PROVIDER_BATCH_LIMITS.openaiMaxBytes).optional(),
  anthropicMaxRequests: count.max(PROVIDER_BATCH_LIMITS.anthropicMaxRequests).optional(),
  anthropicMaxBytes: count.max(PROVIDER_BATCH_LIMITS.anthropicMaxBytes).optional(),
});

export function batchLimitsOf(input: z.output<typeof batchLimitsSchema> | undefined): BatchLimits {
  return { ...PROVIDER_BATCH_LIMITS, ...input };
}
