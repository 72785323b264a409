import type { ChatMessage, JobInput } from "./job-schema.js";

/** The provider-neutral prompt of one job: what both adapters send. */
export interface Prompt {
  system: string;
  messages: ChatMessage[];
}

/**
 * Marker lines the fake provider reads to answer like a real model would (see src/fake-llm).
 * They are ordinary instructions to a real model too, so nothing here is test-only.
 */
export const LABELS_MARKER = "Allowed labels (JSON array): ";
export const JSON_ONLY_MARKER = "Reply with one JSON object and nothing else.";
export const SCHEMA_MARKER = "JSON schema: ";
export const SUMMARIZE_MARKER = "Summarize the text below";

function instructionsFor(job: JobInput): string[] {
  switch (job.kind) {
    case "classify":
      return [
        "Classify the input into exactly one of the allowed labels.",
        `${LABELS_MARKER}${JSON.stringify(job.labels ?? [])}`,
        "Reply with the label only: no quotes, no punctuation, no explanation.",
      ];
    case "extract":
      return [
        "Extract the requested fields from the input.",
        ...(job.schema ? [`${SCHEMA_MARKER}${JSON.stringify(job.schema)}`] : []),
        JSON_ONLY_MARKER,
      ];
    case "summarize":
      return [`${SUMMARIZE_MARKER} faithfully and concisely. Reply with the summary only.`];
    case "generate":
      return [];
  }
}

export function buildPrompt(job: JobInput): Prompt {
  const system = [...instructionsFor(job), ...(job.system ? [job.system] : [])].join("\n");
  const messages: ChatMessage[] = job.messages ?? [{ role: "user", content: job.prompt ?? "" }];
  return { system, messages };
}

/** Rough token count (4 characters a token): enough to keep a prompt away from a model whose window it overflows. */
export function estimateTokens(prompt: Prompt): number {
  let chars = prompt.system.length;
  for (const message of prompt.messages) chars += message.content.length;
  return Math.ceil(chars / 4);
}
