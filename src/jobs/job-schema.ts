import { z } from "zod";
import { parseDeadline } from "./deadline.js";
import { MAX_WAIT_FORMAT, parseMaxWaitMs } from "./max-wait.js";

/**
 * The job catalog: what a producer may submit, checked on enqueue and again on dequeue
 * (a job can sit in Redis across a deploy, so the worker never trusts its shape).
 */

export const JOB_KINDS = ["classify", "summarize", "extract", "generate"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Request and batch ids become BullMQ job ids and Postgres keys: keep them printable and bounded. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$/;
/** A BullMQ custom job id must not be a bare integer (it would clash with generated ids). */
const BARE_INTEGER = /^\d+$/;

export const MAX_PROMPT_CHARS = 2_000_000;
const MAX_LABELS = 200;

/** Strings we store and send: no NUL (Postgres text rejects it) and no lone surrogates. */
const safeText = (max: number) =>
  z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .refine((s) => !s.includes("\u0000"), { message: "must not contain NUL characters" })
    .refine((s) => s.isWellFormed(), { message: "must be valid UTF-8 (no lone surrogates)" });

const nonEmptyText = (max: number) => safeText(max).refine((s) => s.trim().length > 0, { message: "must not be empty" });

export const messageSchema = z.object({
  role: z.enum(["user", "assistant"]),
  content: nonEmptyText(MAX_PROMPT_CHARS),
});
export type ChatMessage = z.infer<typeof messageSchema>;

const labelSchema = z
  .string()
  .trim()
  .min(1, { message: "labels must not be empty" })
  .max(200)
  .refine((s) => !s.includes("\u0000"), { message: "labels must not contain NUL characters" })
  .refine((s) => s.isWellFormed(), { message: "labels must be valid UTF-8 (no lone surrogates)" });

export const jobInputSchema = z
  .object({
    id: z
      .string()
      .regex(ID_PATTERN, {
        message: "id must be 1-200 characters of letters, digits and . _ : @ / - (starting with a letter or digit)",
      })
      .refine((s) => !BARE_INTEGER.test(s), { message: "id must not be a bare integer (prefix it, e.g. job-42)" })
      .optional(),
    kind: z.enum(JOB_KINDS),
    prompt: nonEmptyText(MAX_PROMPT_CHARS).optional(),
    messages: z.array(messageSchema).min(1).max(500).optional(),
    system: safeText(200_000).optional(),
    labels: z.array(labelSchema).min(2, { message: "classify needs at least two labels" }).max(MAX_LABELS).optional(),
    schema: z.record(z.string(), z.unknown()).optional(),
    feature: safeText(100)
      .regex(/^[\w.:/-]+$/, {
        message: "feature must be letters, digits and . _ : / - only",
      })
      .optional(),
    tier: z.string().min(1).max(50).optional(),
    model: z.string().min(1).max(200).optional(),
    maxOutputTokens: z.number().int().positive().max(200_000).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    /**
     * The answer may take this long: a duration from enqueue ("6h") or an ISO timestamp. The job then
     * goes through its tier's batch lane (provider batch APIs, half price). Default: none (real time).
     */
    deadline: z
      .string()
      .max(64)
      .refine((text) => parseDeadline(text) !== undefined, { message: 'deadline must be a duration like "6h" or an ISO timestamp' })
      .optional(),
    /**
     * The most this job may wait, over every tier, for models that are only busy (cooling down after a
     * 429, circuit open, rpm/tpm limits): "30s", "2m". Past it the job escalates, or at the top tier
     * fails naming the busy models. Default: the router config's `maxWaitMs` (10 min).
     */
    maxWait: z
      .string()
      .max(32)
      .refine((text) => parseMaxWaitMs(text) !== undefined, { message: `maxWait must be ${MAX_WAIT_FORMAT}` })
      .optional(),
    /**
     * How many jobs share this job's prompt prefix (docs/prompt-caching.md). Set by the producer, which
     * counts the submission; a larger value given here is kept (for a client that enqueues a big batch
     * a few jobs at a time). Default: the producer's count.
     */
    sharedPrefixJobs: z.number().int().positive().max(1_000_000_000).optional(),
  })
  .strict()
  .superRefine((job, ctx) => {
    if (job.prompt === undefined && job.messages === undefined) {
      ctx.addIssue({ code: "custom", message: "a job needs a prompt or messages", path: ["prompt"] });
    }
    if (job.prompt !== undefined && job.messages !== undefined) {
      ctx.addIssue({ code: "custom", message: "give either prompt or messages, not both", path: ["messages"] });
    }
    if (job.messages && job.messages[job.messages.length - 1]?.role !== "user") {
      ctx.addIssue({ code: "custom", message: "the last message must be from the user", path: ["messages"] });
    }
    if (job.kind === "classify") {
      if (!job.labels) {
        ctx.addIssue({ code: "custom", message: "classify jobs need labels (or --labels on the CLI)", path: ["labels"] });
      } else {
        const seen = new Set<string>();
        for (const label of job.labels) {
          const key = label.toLowerCase();
          if (seen.has(key)) {
            ctx.addIssue({ code: "custom", message: `duplicate label "${label}"`, path: ["labels"] });
          }
          seen.add(key);
        }
      }
    } else if (job.labels) {
      ctx.addIssue({ code: "custom", message: "labels only apply to classify jobs", path: ["labels"] });
    }
    if (job.schema && job.kind !== "extract") {
      ctx.addIssue({ code: "custom", message: "schema only applies to extract jobs", path: ["schema"] });
    }
  });

/** What a producer submits (id optional). */
export type JobInput = z.infer<typeof jobInputSchema>;

/** An accepted job: id assigned, batch known. This is the payload that travels through the queues. */
export const queuedJobSchema = z.object({
  requestId: z.string().regex(ID_PATTERN),
  batchId: z.string().min(1),
  job: jobInputSchema,
  enqueuedAt: z.string(),
  /**
   * Set on a job of `batch ID --retry-failed`: the calls the request already made (numbering goes
   * on after them) and their cost in picodollars (the request's cost adds up both runs).
   */
  carried: z.object({ attempts: z.number().int().min(0), costPico: z.string().regex(/^\d+$/) }).optional(),
});
export type QueuedJob = z.infer<typeof queuedJobSchema>;

/** Renders zod issues as "path: message; path: message" for line-level error reports. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
