import { describe, expect, it } from "vitest";
import { modelConfigSchema, promptCachingSchema, type ModelConfig } from "../../../src/config/router-config-schema.js";
import { buildPrompt } from "../../../src/jobs/build-prompt.js";
import type { JobInput } from "../../../src/jobs/job-schema.js";
import { anthropicCacheMinTokens } from "../../../src/jobs/prompt-cache-facts.js";
import { cacheKeyShards, cacheMinTokens, planCache } from "../../../src/providers/cache-plan.js";

const model = (input: Record<string, unknown>): ModelConfig => modelConfigSchema.parse(input);
const settings = (input: Record<string, unknown> = {}) => promptCachingSchema.parse(input);
const haiku = model({ provider: "anthropic", model: "claude-haiku-4-5" });
const mini = model({ provider: "openai", model: "gpt-5-mini" });

/** A classify job whose own system is `tokens` tokens long (4 characters each). */
const job = (tokens: number, sharedPrefixJobs?: number): JobInput => ({
  kind: "classify",
  prompt: "the item",
  labels: ["a", "b"],
  system: "x".repeat(tokens * 4),
  ...(sharedPrefixJobs ? { sharedPrefixJobs } : {}),
});

describe("cache minimums", () => {
  it("follows the providers' published minimums by model", () => {
    expect(anthropicCacheMinTokens("claude-haiku-4-5")).toBe(4096);
    expect(anthropicCacheMinTokens("claude-haiku-4-5-20251001")).toBe(4096);
    expect(anthropicCacheMinTokens("claude-opus-4-5")).toBe(4096);
    expect(anthropicCacheMinTokens("claude-opus-4-7")).toBe(4096);
    expect(anthropicCacheMinTokens("claude-sonnet-4-6")).toBe(2048);
    expect(anthropicCacheMinTokens("claude-sonnet-4-5")).toBe(1024);
    expect(anthropicCacheMinTokens("claude-opus-4-1-20250805")).toBe(1024);
    expect(anthropicCacheMinTokens("claude-opus-4-20250514")).toBe(1024);
    expect(cacheMinTokens(mini)).toBe(1024);
  });

  it("lets the tiers file override a model's minimum", () => {
    expect(cacheMinTokens(model({ provider: "anthropic", model: "claude-haiku-4-5", cacheMinTokens: 2048 }))).toBe(2048);
  });
});

describe("planCache", () => {
  it("puts a breakpoint on a shared prefix at or above the minimum, with the call's TTL", () => {
    const prompt = buildPrompt(job(4200, 3));
    expect(planCache(haiku, prompt, settings())).toEqual({ kind: "breakpoint", ttl: "5m" });
    expect(planCache(haiku, prompt, settings(), { ttl: "1h" })).toEqual({ kind: "breakpoint", ttl: "1h" });
    expect(planCache(haiku, prompt, settings({ realtimeTtl: "1h" }))).toEqual({ kind: "breakpoint", ttl: "1h" });
  });

  it("marks nothing below the model's minimum", () => {
    expect(planCache(haiku, buildPrompt(job(3000, 100)), settings())).toEqual({ kind: "none", reason: "below-minimum" });
    expect(planCache(mini, buildPrompt(job(900, 100)), settings())).toEqual({ kind: "none", reason: "below-minimum" });
  });

  it("marks nothing a single job uses, nor fewer than minSharedJobs", () => {
    expect(planCache(haiku, buildPrompt(job(5000)), settings())).toEqual({ kind: "none", reason: "not-shared" });
    expect(planCache(haiku, buildPrompt(job(5000, 2)), settings())).toEqual({ kind: "none", reason: "not-shared" });
    expect(planCache(haiku, buildPrompt(job(5000, 2)), settings({ minSharedJobs: 2 }))).toMatchObject({ kind: "breakpoint" });
  });

  it("marks nothing when promptCaching.enabled is false", () => {
    expect(planCache(haiku, buildPrompt(job(5000, 50)), settings({ enabled: false }))).toEqual({ kind: "none", reason: "disabled" });
    expect(planCache(mini, buildPrompt(job(5000, 50)), settings({ enabled: false }))).toEqual({ kind: "none", reason: "disabled" });
  });

  it("gives OpenAI a key from the prefix hash, the same for the same request on any pod", () => {
    const prompt = buildPrompt(job(2000, 10));
    const plan = planCache(mini, prompt, settings(), { requestId: "r-1" });
    expect(plan).toEqual({ kind: "key", key: expect.stringMatching(new RegExp(`^lbr-${prompt.prefix!.hash.slice(0, 32)}-[0-3]$`)) });
    expect(planCache(mini, buildPrompt({ ...job(2000, 10), prompt: "another item" }), settings(), { requestId: "r-1" })).toEqual(plan);
  });

  it("splits a key into ceil(rpm / cacheKeyRpm) shards and spreads requests over all of them", () => {
    expect(cacheKeyShards(mini, settings())).toBe(4); // expectedRpm 60 / 15
    expect(cacheKeyShards(model({ provider: "openai", model: "gpt-5-mini", rpm: 100 }), settings())).toBe(7);
    expect(cacheKeyShards(model({ provider: "openai", model: "gpt-5-mini", rpm: 10 }), settings())).toBe(1);
    const prompt = buildPrompt(job(2000, 10));
    const keys = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const plan = planCache(mini, prompt, settings(), { requestId: `batch-1-${i}` });
      if (plan.kind !== "key") throw new Error("expected a key");
      keys.set(plan.key, (keys.get(plan.key) ?? 0) + 1);
    }
    expect(keys.size).toBe(4);
    // Even enough that no shard takes much more than its quarter.
    for (const count of keys.values()) expect(count).toBeLessThan(140);
  });
});
