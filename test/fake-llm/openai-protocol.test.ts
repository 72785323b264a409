import { APIConnectionTimeoutError, APIError } from "openai";
import { describe, expect, it } from "vitest";
import { buildPrompt } from "../../src/jobs/build-prompt.js";
import { askOpenAi, caught, classifyJob, LABELS, openAiClient, useFakeLlm, waitFor } from "../helpers/fake-llm/sdk-clients.js";

describe("fake LLM over the OpenAI SDK", () => {
  const start = useFakeLlm();

  it("answers classify with an allowed label and OpenAI-shaped usage", async () => {
    const fake = await start({ models: { "*": { cacheReadTokens: 10, cacheWriteTokens: 99 } } });
    const job = classifyJob("I was charged twice on my billing statement");
    const completion = await askOpenAi(openAiClient(fake), "gpt-4o-mini", job);

    const prompt = buildPrompt(job);
    const promptTokens = Math.ceil((prompt.system.length + prompt.messages[0]!.content.length) / 4);
    const choice = completion.choices[0]!;
    expect(choice.message.content).toBe("billing");
    expect(LABELS).toContain(choice.message.content);
    expect(choice.finish_reason).toBe("stop");
    expect(completion.model).toBe("gpt-4o-mini");
    expect(completion.usage).toMatchObject({
      prompt_tokens: promptTokens, // cached tokens included; cache writes have no OpenAI field
      completion_tokens: 2,
      total_tokens: promptTokens + 2,
      prompt_tokens_details: { cached_tokens: 10 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it("accepts content-part arrays and the developer role, and honours max_completion_tokens", async () => {
    const fake = await start({ models: { "*": { outputTokens: 40 } } });
    const completion = await openAiClient(fake).chat.completions.create({
      model: "gpt-4.1",
      max_completion_tokens: 5,
      messages: [
        { role: "developer", content: [{ type: "text", text: "Be helpful." }] },
        { role: "user", content: [{ type: "text", text: "Tell me about queues." }] },
      ],
    });
    expect(completion.choices[0]!.finish_reason).toBe("length");
    expect(completion.usage!.completion_tokens).toBe(5);
    expect(completion.usage!.prompt_tokens).toBe(Math.ceil(("Be helpful.".length + "Tell me about queues.".length) / 4));
    expect(completion.choices[0]!.message.content!.length).toBeLessThanOrEqual(20);
  });

  it("returns 429 with retry-after headers and an OpenAI error body", async () => {
    const fake = await start({ models: { "gpt-4o-mini": { errors: { "429": 1 }, retryAfterMs: 1500 } } });
    const error = await caught(askOpenAi(openAiClient(fake), "gpt-4o-mini", classifyJob("hi")));
    expect(error).toBeInstanceOf(APIError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(429);
    expect(apiError.code).toBe("rate_limit_exceeded");
    expect(apiError.headers?.get("retry-after")).toBe("2");
    expect(apiError.headers?.get("retry-after-ms")).toBe("1500");
    expect(apiError.requestID).toMatch(/^req_fake/);
    expect(fake.stats().models["gpt-4o-mini"]!.errors).toEqual({ "429": 1 });
  });

  it("hangs on timeout until the client's own timeout fires", async () => {
    const fake = await start({ models: { "*": { errors: { timeout: 1 } } } });
    const error = await caught(askOpenAi(openAiClient(fake, 200), "gpt-4o-mini", classifyJob("hi")));
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    await waitFor(() => fake.stats().models["gpt-4o-mini"]?.inFlight === 0);
  });

  it("answers malformed JSON with 400 and unknown paths with 404", async () => {
    const fake = await start();
    const bad = await fetch(`${fake.url}/v1/chat/completions`, { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);

    const missing = await fetch(`${fake.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "m" }) });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/messages/);

    const unknown = await fetch(`${fake.url}/v1/embeddings`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
    expect((await fetch(`${fake.url}/healthz`)).status).toBe(200);
    expect(fake.stats().totalCalls).toBe(0);
  });
});
