import { createHash } from "node:crypto";
import type { ChatMessage, JobInput } from "./job-schema.js";
import { countTokens } from "./prompt-cache-facts.js";

/**
 * The provider-neutral prompt of one job: what both adapters send.
 *
 * Layout (docs/prompt-caching.md): `system` is the stable prefix — the router's instructions for the
 * kind, the job's own `system`, the label list, the schema, the reply rule — byte-identical for every
 * job that shares those fields; `messages` is the item. Providers cache a repeated prefix, so text
 * that many jobs share belongs in the job's `system`, never in its `prompt`.
 */
export interface Prompt {
  system: string;
  messages: ChatMessage[];
  /** What a provider's prompt cache would see of `system`; absent when it is empty. */
  prefix?: PromptPrefix;
}

export interface PromptPrefix {
  /** sha256 of `system`, hex: the same for every job with the same prefix, on every pod. */
  hash: string;
  /** `system` in tokens, by the fixed rule of prompt-cache-facts.ts. */
  tokens: number;
  /** Jobs of the submission that share this prefix (counted at enqueue); 1 when unknown. */
  sharedJobs: number;
}

/**
 * Marker lines the fake provider reads to answer like a real model would (see src/fake-llm).
 * They are ordinary instructions to a real model too, so nothing here is test-only.
 */
export const LABELS_MARKER = "Allowed labels (JSON array): ";
export const JSON_ONLY_MARKER = "Reply with one JSON object and nothing else.";
export const SCHEMA_MARKER = "JSON schema: ";
export const SUMMARIZE_MARKER = "Summarize the text below";

/** Shared parts in the order of the layout: kind instructions, the job's system, labels/schema, reply rule. */
function prefixParts(job: JobInput): string[] {
  const own = job.system ? [job.system] : [];
  switch (job.kind) {
    case "classify":
      return [
        "Classify the input into exactly one of the allowed labels.",
        ...own,
        `${LABELS_MARKER}${JSON.stringify(job.labels ?? [])}`,
        "Reply with the label only: no quotes, no punctuation, no explanation.",
      ];
    case "extract":
      return [
        "Extract the requested fields from the input.",
        ...own,
        ...(job.schema ? [`${SCHEMA_MARKER}${JSON.stringify(job.schema)}`] : []),
        JSON_ONLY_MARKER,
      ];
    case "summarize":
      return [`${SUMMARIZE_MARKER} faithfully and concisely. Reply with the summary only.`, ...own];
    case "generate":
      return own;
  }
}

/** The shared prefix of a job, alone: what the producer counts and the adapters mark. */
export function promptPrefix(job: JobInput): string {
  return prefixParts(job).join("\n");
}

export function prefixHash(system: string): string {
  return createHash("sha256").update(system).digest("hex");
}

/** The prompt's text alone, without the cache facts (no hash): what a dry run counts. */
export function promptText(job: JobInput): Pick<Prompt, "system" | "messages"> {
  return { system: promptPrefix(job), messages: job.messages ?? [{ role: "user", content: job.prompt ?? "" }] };
}

export function buildPrompt(job: JobInput): Prompt {
  const { system, messages } = promptText(job);
  return {
    system,
    messages,
    ...(system ? { prefix: { hash: prefixHash(system), tokens: countTokens(system), sharedJobs: job.sharedPrefixJobs ?? 1 } } : {}),
  };
}

/** Rough token count (4 characters a token): enough to keep a prompt away from a model whose window it overflows. */
export function estimateTokens(prompt: Prompt): number {
  let chars = prompt.system.length;
  for (const message of prompt.messages) chars += message.content.length;
  return Math.ceil(chars / 4);
}
