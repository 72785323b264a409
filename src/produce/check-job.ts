import type { RouterConfig } from "../config/router-config-schema.js";
import { describeIssues, jobInputSchema, type JobInput } from "../jobs/job-schema.js";
import { estimateTokens, promptText } from "../jobs/build-prompt.js";
import { compileJsonSchema } from "../jobs/json-schema.js";
import { validateRoutingTargets } from "../intake/index.js";

export type JobCheck = { ok: true; job: JobInput } | { ok: false; reason: string };

/**
 * Everything we can know about a job before it costs anything: its shape, the tier or model it
 * forces, and whether any configured model could take a prompt that long. Pure.
 */
export function checkJob(candidate: unknown, config: RouterConfig, largestContextWindow: number): JobCheck {
  const parsed = jobInputSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
  const job = parsed.data;
  // It travels as JSON (BullMQ, the journal): a BigInt or a cycle in metadata must fail here, not mid-batch.
  try {
    JSON.stringify(job);
  } catch (error) {
    return { ok: false, reason: `not serialisable as JSON: ${(error as Error).message}` };
  }
  // A schema that does not compile would fail every answer, and be paid for each time.
  if (job.schema !== undefined) {
    const schema = compileJsonSchema(job.schema);
    if (!schema.ok) return { ok: false, reason: schema.reason };
  }
  const routingProblem = validateRoutingTargets(job, config);
  if (routingProblem) return { ok: false, reason: routingProblem };
  // The text alone: the prefix's hash and cache facts that buildPrompt adds are not needed to count.
  const tokens = estimateTokens(promptText(job));
  if (tokens > largestContextWindow) {
    return {
      ok: false,
      reason: `prompt is ~${tokens} tokens, more than any configured model accepts (largest context window: ${largestContextWindow})`,
    };
  }
  return { ok: true, job };
}

export function largestContextWindow(config: RouterConfig): number {
  return Math.max(...config.tiers.flatMap((tier) => tier.models.map((model) => model.contextWindow)));
}
