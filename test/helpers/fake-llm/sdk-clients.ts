import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach } from "vitest";
import type { JobInput } from "../../../src/jobs/job-schema.js";
import { buildPrompt } from "../../../src/jobs/build-prompt.js";
import { startFakeLlm, type FakeLlm, type ScenarioInput } from "../../../src/fake-llm/index.js";

/** Starts a fake on a free port and closes it after the current test; `now` drives its clocks (prompt caches, batches). */
export function useFakeLlm(): (scenario?: ScenarioInput, now?: () => number) => Promise<FakeLlm> {
  const started: FakeLlm[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((fake) => fake.close()));
  });
  return async (scenario, now) => {
    const fake = await startFakeLlm({ port: 0, host: "127.0.0.1", scenario, ...(now ? { now } : {}) });
    started.push(fake);
    return fake;
  };
}

export const openAiClient = (fake: FakeLlm, timeout?: number) =>
  new OpenAI({ apiKey: "test", baseURL: `${fake.url}/v1`, maxRetries: 0, ...(timeout ? { timeout } : {}) });

export const anthropicClient = (fake: FakeLlm, timeout?: number) =>
  new Anthropic({ apiKey: "test", baseURL: fake.url, maxRetries: 0, ...(timeout ? { timeout } : {}) });

export const LABELS = ["billing", "bug", "feature_request"];

export const classifyJob = (prompt: string): JobInput => ({ kind: "classify", prompt, labels: LABELS });

/** One job through the OpenAI SDK, prompt built exactly as the router builds it. */
export async function askOpenAi(client: OpenAI, model: string, job: JobInput, maxTokens = 256) {
  const prompt = buildPrompt(job);
  return client.chat.completions.create({
    model,
    max_completion_tokens: maxTokens,
    messages: [{ role: "system", content: prompt.system }, ...prompt.messages],
  });
}

export async function askAnthropic(client: Anthropic, model: string, job: JobInput, maxTokens = 256) {
  const prompt = buildPrompt(job);
  return client.messages.create({ model, max_tokens: maxTokens, system: prompt.system, messages: prompt.messages });
}

export function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
}

/** Polls a condition instead of sleeping a guessed time. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}
