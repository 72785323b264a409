import { APIConnectionTimeoutError, APIError } from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { buildPrompt } from "../../src/jobs/build-prompt.js";
import {
  anthropicClient,
  askAnthropic,
  caught,
  classifyJob,
  LABELS,
  textOf,
  useFakeLlm,
  waitFor,
} from "../helpers/fake-llm/sdk-clients.js";

const MODEL = "claude-haiku-4-5";

describe("fake LLM over the Anthropic SDK", () => {
  const start = useFakeLlm();

  it("answers classify with an allowed label and Anthropic-shaped usage", async () => {
    const fake = await start({ models: { [MODEL]: { cacheReadTokens: 10, cacheWriteTokens: 7, outputTokens: 3 } } });
    const job = classifyJob("The export button crashes: a bug");
    const message = await askAnthropic(anthropicClient(fake), MODEL, job);

    const prompt = buildPrompt(job);
    const promptTokens = Math.ceil((prompt.system.length + prompt.messages[0]!.content.length) / 4);
    expect(textOf(message)).toBe("bug");
    expect(LABELS).toContain(textOf(message));
    expect(message).toMatchObject({ type: "message", role: "assistant", model: MODEL, stop_reason: "end_turn", stop_sequence: null });
    expect(message.usage).toMatchObject({
      input_tokens: promptTokens - 10 - 7, // Anthropic counts cache reads and writes apart from input_tokens
      output_tokens: 3,
      cache_read_input_tokens: 10,
      cache_creation_input_tokens: 7,
    });
  });

  it("caps cache counts at the prompt size", async () => {
    const fake = await start({ models: { "*": { cacheReadTokens: 1_000_000, cacheWriteTokens: 5 } } });
    const message = await anthropicClient(fake).messages.create({
      model: MODEL,
      max_tokens: 50,
      system: [{ type: "text", text: "Be brief." }],
      messages: [{ role: "user", content: [{ type: "text", text: "Hello there, how are you?" }] }],
    });
    const promptTokens = Math.ceil(("Be brief.".length + "Hello there, how are you?".length) / 4);
    expect(message.usage).toMatchObject({ input_tokens: 0, cache_read_input_tokens: promptTokens, cache_creation_input_tokens: 0 });
  });

  it("throws a 529 APIError for errors {529: 1}", async () => {
    const fake = await start({ models: { "*": { errors: { "529": 1 } } } });
    const error = await caught(askAnthropic(anthropicClient(fake), MODEL, classifyJob("hi")));
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(529);
    expect((error as APIError).error).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  });

  it("sends retry-after headers with a 429", async () => {
    const fake = await start({ models: { "*": { errors: { "429": 1 } } } });
    const error = (await caught(askAnthropic(anthropicClient(fake), MODEL, classifyJob("hi")))) as APIError;
    expect(error.status).toBe(429);
    expect(error.headers?.get("retry-after")).toBe("1");
    expect(error.headers?.get("retry-after-ms")).toBe("1000");
    expect(error.error).toMatchObject({ error: { type: "rate_limit_error" } });
  });

  it("hangs on timeout until the client gives up, and still closes promptly", async () => {
    const fake = await start({ models: { "*": { errors: { timeout: 1 } } } });
    const error = await caught(askAnthropic(anthropicClient(fake, 200), MODEL, classifyJob("hi")));
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    await waitFor(() => fake.stats().models[MODEL]?.inFlight === 0);
    expect(fake.stats().models[MODEL]).toMatchObject({ calls: 1, errors: { timeout: 1 } });

    // A hung call whose client would wait 10 minutes must not hold close().
    const pending = caught(askAnthropic(anthropicClient(fake), MODEL, classifyJob("hi again")));
    await waitFor(() => fake.stats().models[MODEL]?.inFlight === 1);
    const started = Date.now();
    await fake.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await pending).toBeInstanceOf(APIError);
    await fake.close(); // idempotent
  });

  it("gives invalid answers: a label outside the list, broken JSON", async () => {
    const fake = await start({ models: { "*": { invalidRate: 1 } } });
    const client = anthropicClient(fake);
    const label = textOf(await askAnthropic(client, MODEL, classifyJob("billing problem")));
    expect(LABELS).not.toContain(label);
    const json = textOf(
      await askAnthropic(client, MODEL, {
        kind: "extract",
        prompt: "Order 42 by Ann",
        schema: { type: "object", properties: { order: { type: "integer" } } },
      }),
    );
    expect(() => JSON.parse(json)).toThrow();
    expect(fake.stats().models[MODEL]!.invalid).toBe(2);
  });
});
