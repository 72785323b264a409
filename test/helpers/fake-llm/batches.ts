import type Anthropic from "@anthropic-ai/sdk";
import type OpenAI from "openai";
import { toFile } from "openai";
import { buildPrompt } from "../../../src/jobs/build-prompt.js";
import { classifyJob } from "./sdk-clients.js";

/** Batch API helpers over the official SDKs, for tests of the fake provider's batch endpoints. */

/** One OpenAI batch input line for a classify job, the prompt built as the router builds it. */
export function openAiLine(customId: string, model: string, prompt: string, maxTokens = 256) {
  const built = buildPrompt(classifyJob(prompt));
  return {
    custom_id: customId,
    method: "POST",
    url: "/v1/chat/completions",
    body: { model, max_completion_tokens: maxTokens, messages: [{ role: "system", content: built.system }, ...built.messages] },
  };
}

export function anthropicRequest(customId: string, model: string, prompt: string, maxTokens = 256) {
  const built = buildPrompt(classifyJob(prompt));
  return { custom_id: customId, params: { model, max_tokens: maxTokens, system: built.system, messages: built.messages } };
}

/** Uploads the lines as a JSONL batch file. */
export async function uploadLines(client: OpenAI, lines: unknown[]): Promise<OpenAI.FileObject> {
  const text = lines.map((line) => JSON.stringify(line)).join("\n") + "\n";
  return client.files.create({ file: await toFile(Buffer.from(text), "batch.jsonl"), purpose: "batch" });
}

const TERMINAL = new Set(["completed", "expired", "cancelled", "failed"]);

/** Polls until the batch has ended (a condition, not a guessed sleep). */
export async function waitOpenAiBatch(client: OpenAI, id: string, timeoutMs = 10_000): Promise<OpenAI.Batch> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await client.batches.retrieve(id);
    if (TERMINAL.has(batch.status)) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${id} still ${batch.status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function waitAnthropicBatch(client: Anthropic, id: string, timeoutMs = 10_000): Promise<Anthropic.Messages.MessageBatch> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await client.messages.batches.retrieve(id);
    if (batch.processing_status === "ended") return batch;
    if (Date.now() > deadline) throw new Error(`batch ${id} still ${batch.processing_status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A results file's lines, parsed (an absent file has none). */
export async function fileLines<T = Record<string, unknown>>(client: OpenAI, fileId: string | null | undefined): Promise<T[]> {
  if (!fileId) return [];
  const text = await (await client.files.content(fileId)).text();
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as T);
}

export async function anthropicResults(client: Anthropic, id: string): Promise<Anthropic.Messages.MessageBatchIndividualResponse[]> {
  const results: Anthropic.Messages.MessageBatchIndividualResponse[] = [];
  for await (const entry of await client.messages.batches.results(id)) results.push(entry);
  return results;
}

/** A clock the test moves by hand, for batches whose timeline must be exact (cancel mid-way, never ending). */
export function manualClock(startMs = Date.UTC(2026, 0, 1)): { now: () => number; advance: (ms: number) => void } {
  let now = startMs;
  return { now: () => now, advance: (ms) => (now += ms) };
}
