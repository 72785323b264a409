import { describe, expect, it } from "vitest";
import { modelConfigSchema, promptCachingSchema } from "../../src/config/router-config-schema.js";
import { startFakeLlm, type FakeLlm } from "../../src/fake-llm/index.js";
import { buildPrompt } from "../../src/jobs/build-prompt.js";
import type { JobInput } from "../../src/jobs/job-schema.js";
import { createAnthropicProvider } from "../../src/providers/anthropic-provider.js";
import { createOpenAIProvider } from "../../src/providers/openai-provider.js";
import { afterEach } from "vitest";
import { anthropicClient, LABELS, openAiClient } from "../helpers/fake-llm/sdk-clients.js";

const started: FakeLlm[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((fake) => fake.close()));
});

/** A fake whose cache clock the test moves by hand. */
async function fakeWithClock() {
  const clock = { ms: Date.parse("2026-05-01T00:00:00Z") };
  const fake = await startFakeLlm({ port: 0, now: () => clock.ms });
  started.push(fake);
  return { fake, clock };
}

/** The whole prompt is counted at once: ceil((system + item characters) / 4), not a sum of parts. */

/** Exactly `chars` characters of shared text (tokens = ceil(chars / 4) by the documented rule). */
const sharedText = (chars: number) => "Policy line. ".repeat(Math.ceil(chars / 13)).slice(0, chars);
const job = (item: string, systemChars: number, sharedPrefixJobs = 10): JobInput => ({
  kind: "classify",
  prompt: item,
  labels: LABELS,
  system: sharedText(systemChars),
  sharedPrefixJobs,
});
const tokensOf = (text: string) => Math.ceil(text.length / 4);
const caching = (input: Record<string, unknown> = {}) => promptCachingSchema.parse(input);

describe("fake provider prompt cache, Anthropic shape", () => {
  it("writes on the first call at a breakpoint, reads within the TTL, writes again after it", async () => {
    const { fake, clock } = await fakeWithClock();
    const client = anthropicClient(fake);
    const prompt = buildPrompt(job("ticket one", 20_000));
    const prefix = tokensOf(prompt.system);
    const ask = (ttl?: "5m" | "1h") =>
      client.messages.create({
        model: "claude-haiku-4-5",
        max_tokens: 16,
        system: [{ type: "text", text: prompt.system, cache_control: { type: "ephemeral", ...(ttl ? { ttl } : {}) } }],
        messages: prompt.messages,
      });
    const whole = tokensOf(prompt.system + prompt.messages[0]!.content);

    const first = await ask();
    expect(first.usage).toMatchObject({
      input_tokens: whole - prefix,
      cache_creation_input_tokens: prefix,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: prefix, ephemeral_1h_input_tokens: 0 },
    });
    clock.ms += 4 * 60_000;
    const second = await ask();
    expect(second.usage).toMatchObject({ input_tokens: whole - prefix, cache_creation_input_tokens: 0, cache_read_input_tokens: prefix });
    // The read refreshed the 5-minute lifetime: 8 minutes after the write, 4 after the read, still a hit.
    clock.ms += 4 * 60_000;
    expect((await ask()).usage.cache_read_input_tokens).toBe(prefix);
    clock.ms += 5 * 60_000 + 1;
    const expired = await ask("1h");
    expect(expired.usage).toMatchObject({
      cache_creation_input_tokens: prefix,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: prefix },
    });
    clock.ms += 50 * 60_000;
    expect((await ask()).usage.cache_read_input_tokens).toBe(prefix);

    const stats = fake.stats().models["claude-haiku-4-5"]!;
    expect(stats).toMatchObject({ calls: 5, cacheReadTokens: 3 * prefix, cacheWriteTokens: 2 * prefix, cacheWrite1hTokens: prefix });
    expect(stats.inputTokens).toBe(5 * whole);
  });

  it("caches nothing without a breakpoint, or below the model's minimum", async () => {
    const { fake } = await fakeWithClock();
    const client = anthropicClient(fake);
    const long = buildPrompt(job("x", 20_000));
    const short = buildPrompt(job("x", 15_000)); // about 3,770 tokens: under Haiku 4.5's 4,096
    for (let i = 0; i < 2; i++) {
      await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 16, system: long.system, messages: long.messages });
      const below = await client.messages.create({
        model: "claude-haiku-4-5",
        max_tokens: 16,
        system: [{ type: "text", text: short.system, cache_control: { type: "ephemeral" } }],
        messages: short.messages,
      });
      expect(below.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    }
    expect(fake.stats().models["claude-haiku-4-5"]).toMatchObject({ cacheReadTokens: 0, cacheWriteTokens: 0 });
  });

  it("reaches the ledger's usage through the router's adapter: whole prompt, reads, writes, 1-hour part", async () => {
    const { fake } = await fakeWithClock();
    const provider = createAnthropicProvider({ apiKey: "test", baseURL: fake.url, promptCaching: caching() });
    const model = modelConfigSchema.parse({ provider: "anthropic", model: "claude-haiku-4-5" });
    const prompt = buildPrompt(job("ticket one", 20_000));
    const prefix = tokensOf(prompt.system);
    const whole = tokensOf(prompt.system + "ticket one");
    const first = await provider.complete(model, { prompt, maxOutputTokens: 16, cacheTtl: "1h" });
    expect(first.usage).toMatchObject({ inputTokens: whole, cacheReadTokens: 0, cacheWriteTokens: prefix, cacheWrite1hTokens: prefix });
    const second = await provider.complete(model, { prompt, maxOutputTokens: 16 });
    expect(second.usage).toMatchObject({ inputTokens: whole, cacheReadTokens: prefix, cacheWriteTokens: 0, cacheWrite1hTokens: 0 });
  });

  it("sends no breakpoint for a prefix one job uses, under the minimum, or with caching off", async () => {
    const { fake } = await fakeWithClock();
    // Sonnet 4.5's published minimum is 1,024, so the fake would cache this 5,000-token prefix at any breakpoint.
    const model = modelConfigSchema.parse({ provider: "anthropic", model: "claude-sonnet-4-5" });
    const raised = modelConfigSchema.parse({ provider: "anthropic", model: "claude-sonnet-4-5", cacheMinTokens: 8000 });
    const on = createAnthropicProvider({ apiKey: "test", baseURL: fake.url, promptCaching: caching() });
    const off = createAnthropicProvider({ apiKey: "test", baseURL: fake.url, promptCaching: caching({ enabled: false }) });
    for (let i = 0; i < 3; i++) {
      await on.complete(model, { prompt: buildPrompt(job(`single ${i}`, 20_000, 1)), maxOutputTokens: 16 });
      await on.complete(raised, { prompt: buildPrompt(job(`raised ${i}`, 20_000)), maxOutputTokens: 16 });
      await off.complete(model, { prompt: buildPrompt(job(`off ${i}`, 20_000)), maxOutputTokens: 16 });
    }
    expect(fake.stats().models["claude-sonnet-4-5"]).toMatchObject({ calls: 9, cacheReadTokens: 0, cacheWriteTokens: 0 });
    await on.complete(model, { prompt: buildPrompt(job("shared", 20_000)), maxOutputTokens: 16 });
    expect(fake.stats().models["claude-sonnet-4-5"]!.cacheWriteTokens).toBeGreaterThan(0);
  });
});

describe("fake provider prompt cache, OpenAI shape", () => {
  it("is plain input the first time, then reads the prefix in 128-token steps, per prompt_cache_key", async () => {
    const { fake, clock } = await fakeWithClock();
    const client = openAiClient(fake);
    const prompt = buildPrompt(job("ticket one", 6_000));
    const prefix = tokensOf(prompt.system);
    const ask = (key?: string) =>
      client.chat.completions.create({
        model: "gpt-5-mini",
        max_completion_tokens: 16,
        messages: [{ role: "system", content: prompt.system }, ...prompt.messages],
        ...(key ? { prompt_cache_key: key } : {}),
      });
    const whole = tokensOf(prompt.system + "ticket one");

    const first = await ask("k1");
    expect(first.usage).toMatchObject({ prompt_tokens: whole, prompt_tokens_details: { cached_tokens: 0 } });
    const second = await ask("k1");
    expect(second.usage).toMatchObject({ prompt_tokens: whole, prompt_tokens_details: { cached_tokens: Math.floor(prefix / 128) * 128 } });
    expect((await ask("k2")).usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    clock.ms += 5 * 60_000 + 1;
    expect((await ask("k1")).usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(fake.stats().models["gpt-5-mini"]).toMatchObject({
      calls: 4,
      cacheReadTokens: Math.floor(prefix / 128) * 128,
      cacheWriteTokens: 0,
    });
  });

  it("never caches a prefix under 1,024 tokens", async () => {
    const { fake } = await fakeWithClock();
    const client = openAiClient(fake);
    const prompt = buildPrompt(job("x", 3_800));
    for (let i = 0; i < 3; i++) {
      const answer = await client.chat.completions.create({
        model: "gpt-5-mini",
        max_completion_tokens: 16,
        messages: [{ role: "system", content: prompt.system }, ...prompt.messages],
      });
      expect(answer.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    }
  });

  it("reaches the ledger's usage through the router's adapter, with its sharded key", async () => {
    const { fake } = await fakeWithClock();
    const provider = createOpenAIProvider({ apiKey: "test", baseURL: `${fake.url}/v1`, promptCaching: caching({ expectedRpm: 15 }) });
    const model = modelConfigSchema.parse({ provider: "openai", model: "gpt-5-mini" });
    const prompt = buildPrompt(job("ticket one", 6_000));
    const cached = Math.floor(tokensOf(prompt.system) / 128) * 128;
    const first = await provider.complete(model, { prompt, maxOutputTokens: 16, requestId: "r-1" });
    expect(first.usage).toMatchObject({ cacheReadTokens: 0, cacheWriteTokens: 0 });
    const second = await provider.complete(model, { prompt, maxOutputTokens: 16, requestId: "r-2" });
    expect(second.usage).toMatchObject({
      inputTokens: first.usage!.inputTokens,
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
    });
  });
});
