import { describe, expect, it } from "vitest";
import { answersAgree } from "../../../src/tiers/shadow/answers-agree.js";
import { shadowKeyOf, shadowSampled } from "../../../src/tiers/shadow/shadow-sample.js";

describe("shadowSampled", () => {
  it("is all or nothing at the ends", () => {
    expect(shadowSampled("anything", 0)).toBe(false);
    expect(shadowSampled("anything", 1)).toBe(true);
  });

  it("always decides the same key the same way, and samples close to the rate", () => {
    const keys = Array.from({ length: 20_000 }, (_, index) => `job-${index}`);
    const first = keys.map((key) => shadowSampled(key, 0.1));
    expect(keys.map((key) => shadowSampled(key, 0.1))).toEqual(first);
    const share = first.filter(Boolean).length / keys.length;
    expect(share).toBeGreaterThan(0.09);
    expect(share).toBeLessThan(0.11);
  });

  it("samples ids that differ only in their last characters at the rate, in every group of them", () => {
    // Ids as producers make them: one prefix, a counter. Each group of 100 must come out near the rate.
    for (const prefix of ["order-", "eval-75a445ee.mmlu-security_studies-", "eval-1234abcd.mmlu-prehistory-"]) {
      const keys = Array.from({ length: 100 }, (_, index) => `${prefix}${String(index).padStart(3, "0")}`);
      const share = keys.filter((key) => shadowSampled(key, 0.5)).length / keys.length;
      expect(share, prefix).toBeGreaterThan(0.35);
      expect(share, prefix).toBeLessThan(0.65);
    }
    const twoDigits = Array.from({ length: 30 }, (_, index) => `order-${String(99 - index).padStart(2, "0")}`);
    expect(twoDigits.filter((key) => shadowSampled(key, 0.5)).length).toBeGreaterThan(7);
  });

  it("keeps every key sampled at a rate when the rate grows (consistent hashing)", () => {
    const keys = Array.from({ length: 2_000 }, (_, index) => `k${index}`);
    for (const key of keys) if (shadowSampled(key, 0.05)) expect(shadowSampled(key, 0.2)).toBe(true);
  });

  it("keys on the configured field", () => {
    const job = { requestId: "r1", batchId: "b1", job: { kind: "generate" as const, prompt: "hello", feature: "f1" } };
    expect(shadowKeyOf("id", job)).toBe("r1");
    expect(shadowKeyOf("batch", job)).toBe("b1");
    expect(shadowKeyOf("feature", job)).toBe("f1");
    expect(shadowKeyOf("prompt", job)).toBe("hello");
  });
});

describe("answersAgree", () => {
  it("compares labels exactly and extracted JSON structurally", () => {
    expect(answersAgree("classify", "billing", "billing")).toBe(true);
    expect(answersAgree("classify", "billing", "bug")).toBe(false);
    expect(answersAgree("extract", '{"a":1,"b":[1,2]}', '{"b":[1,2],"a":1}')).toBe(true);
    expect(answersAgree("extract", '{"a":1}', '{"a":2}')).toBe(false);
    expect(answersAgree("extract", '{"a":1}', "not json")).toBe(false);
  });

  it("has no verdict for free text", () => {
    expect(answersAgree("summarize", "a", "a")).toBeUndefined();
    expect(answersAgree("generate", "a", "b")).toBeUndefined();
  });
});
