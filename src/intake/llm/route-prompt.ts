import type { TierConfig } from "../../config/router-config-schema.js";
import type { JobInput } from "../../jobs/job-schema.js";

/** How much of a job the routing model reads: enough to judge difficulty, cheap to send. */
const EXCERPT_CHARS = 4_000;

const TIER_HINTS = [
  "simple, short, well-defined work",
  "moderate reasoning or longer material",
  "hard reasoning, code, math or high stakes",
];

function excerpt(job: JobInput): string {
  const text = job.prompt ?? job.messages?.map((message) => `${message.role}: ${message.content}`).join("\n") ?? "";
  return text.length <= EXCERPT_CHARS ? text : `${text.slice(0, EXCERPT_CHARS)}\n[… ${text.length - EXCERPT_CHARS} more characters]`;
}

/**
 * The question the `llm` classifier asks the cheapest model, as an extract job: its answer is checked
 * by the same JSON validation as any extraction, and the call is priced and recorded like any other.
 */
export function buildRouteJob(job: JobInput, tiers: readonly Pick<TierConfig, "name">[]): JobInput {
  const names = tiers.map((tier) => tier.name);
  const described = names.map((name, index) => `- ${name}: ${TIER_HINTS[Math.min(index, TIER_HINTS.length - 1)]}`).join("\n");
  return {
    kind: "extract",
    system:
      `You route LLM jobs to the cheapest tier of models that will answer them well.\nTiers, cheapest first:\n${described}\n` +
      `Judge the ${job.kind} job the user sends; do not do the job.`,
    prompt: excerpt(job),
    schema: {
      type: "object",
      properties: { tier: { type: "string", enum: names }, reason: { type: "string" } },
      required: ["tier", "reason"],
    },
    maxOutputTokens: 100,
  };
}

/** The tier the routing model chose, or undefined for any answer that is not exactly that. */
export function parseRouteAnswer(validatedJson: string, tierNames: readonly string[]): { tier: string; reason: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(validatedJson);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { tier, reason } = parsed as { tier?: unknown; reason?: unknown };
  if (typeof tier !== "string" || !tierNames.includes(tier)) return undefined;
  return { tier, reason: typeof reason === "string" ? reason.slice(0, 200) : "" };
}
