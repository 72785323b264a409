import { describe, expect, it } from "vitest";
import { answerFor } from "../../src/fake-llm/answers.js";
import { decideOutcome, DrawSource } from "../../src/fake-llm/outcome.js";
import { createRng } from "../../src/fake-llm/rng.js";
import { parseScenario, resolveBehaviour } from "../../src/fake-llm/scenario.js";
import { detectTask } from "../../src/fake-llm/task.js";
import { buildPrompt } from "../../src/jobs/build-prompt.js";
import type { JobInput } from "../../src/jobs/job-schema.js";
import { LABELS } from "../helpers/fake-llm/sdk-clients.js";

const answer = (job: JobInput, invalid = false, outputTokens?: number, seed = 1) => {
  const prompt = buildPrompt(job);
  const task = detectTask(prompt.system);
  const input = prompt.messages.map((m) => m.content).join("\n");
  return answerFor(task, input, { invalid, outputTokens, rng: createRng(seed) });
};

const schema = {
  type: "object",
  properties: {
    name: { type: "string" },
    email: { type: "string", format: "email" },
    amount: { type: "number" },
    urgent: { type: "boolean" },
    tags: { type: "array", items: { type: "string" } },
    priority: { enum: ["low", "high"] },
  },
};

describe("answers", () => {
  it("reads the job kind from the router's prompt markers", () => {
    expect(detectTask(buildPrompt({ kind: "classify", prompt: "x", labels: LABELS }).system)).toEqual({ kind: "classify", labels: LABELS });
    expect(detectTask(buildPrompt({ kind: "extract", prompt: "x", schema }).system)).toMatchObject({ kind: "extract", schema });
    expect(detectTask(buildPrompt({ kind: "extract", prompt: "x" }).system)).toEqual({ kind: "extract", schema: undefined });
    expect(detectTask(buildPrompt({ kind: "summarize", prompt: "x" }).system)).toEqual({ kind: "summarize" });
    expect(detectTask(buildPrompt({ kind: "generate", prompt: "x", system: "Be brief." }).system)).toEqual({ kind: "generate" });
  });

  it("classifies by keyword overlap", () => {
    const job = (prompt: string): JobInput => ({ kind: "classify", prompt, labels: LABELS });
    expect(answer(job("I was billed twice, please fix my bill"))).toBe("billing");
    expect(answer(job("The app crashes, looks like a bug"))).toBe("bug");
    expect(answer(job("Please add a dark mode feature"))).toBe("feature_request");
    expect(LABELS).toContain(answer(job("hello there")));
  });

  it("gives an invalid classify answer outside the label list", () => {
    for (let seed = 0; seed < 20; seed++) {
      const text = answer({ kind: "classify", prompt: "billing question", labels: [...LABELS, "unsure", "Other"] }, true, undefined, seed);
      expect([...LABELS, "unsure", "other", "Other"]).not.toContain(text);
    }
  });

  it("fills the extract schema, with facts from the input", () => {
    const text = answer({ kind: "extract", prompt: "Jane Doe (jane@corp.io) paid 42.5 dollars.", schema });
    const value = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(["amount", "email", "name", "priority", "tags", "urgent"]);
    expect(value).toMatchObject({ name: "Jane Doe", email: "jane@corp.io", amount: 42.5 });
    expect(typeof value.urgent).toBe("boolean");
    expect(["low", "high"]).toContain(value.priority);
    expect(Array.isArray(value.tags)).toBe(true);
  });

  it("answers an array schema with an array, not one wrapped in an object (issue 16 item 12)", () => {
    const text = answer({ kind: "extract", prompt: "Items: 3 apples, 4 pears.", schema: { type: "array", items: { type: "number" } } });
    const value = JSON.parse(text) as unknown;
    expect(Array.isArray(value)).toBe(true);
    expect((value as unknown[]).every((item) => typeof item === "number")).toBe(true);
  });

  it("gives broken JSON as the invalid extract answer", () => {
    for (const job of [
      { kind: "extract", prompt: "x", schema },
      { kind: "extract", prompt: "x" },
    ] as JobInput[]) {
      const text = answer(job, true);
      expect(text.length).toBeGreaterThan(0);
      expect(() => JSON.parse(text)).toThrow();
    }
  });

  it("summarizes from the input's sentences, about outputTokens long", () => {
    const prompt = "The invoice was sent late. The customer paid anyway. Support closed the ticket. ".repeat(10);
    const text = answer({ kind: "summarize", prompt }, false, 12);
    expect(text.startsWith("The invoice was sent late.")).toBe(true);
    expect(text.length).toBeLessThanOrEqual(48);
    expect(answer({ kind: "summarize", prompt }, true)).toBe("");
  });

  it("generates text about the prompt, about outputTokens long", () => {
    const text = answer({ kind: "generate", prompt: "Write about caching strategies" }, false, 50);
    expect(text.length).toBeGreaterThan(150);
    expect(text.length).toBeLessThanOrEqual(200);
    expect(text).toMatch(/caching|strategies/i);
    expect(answer({ kind: "generate", prompt: "x" }, true)).toBe("");
  });
});

describe("outcome draws", () => {
  const behaviour = resolveBehaviour(
    parseScenario({ models: { m: { errors: { "429": 0.1, "529": 0.2, timeout: 0.1 }, invalidRate: 0.1 } } }),
    "m",
  );

  it("maps one uniform draw onto error bands, then invalid, then ok", () => {
    expect(decideOutcome(behaviour, 0.05)).toEqual({ type: "error", kind: 429 });
    expect(decideOutcome(behaviour, 0.15)).toEqual({ type: "error", kind: 529 });
    expect(decideOutcome(behaviour, 0.35)).toEqual({ type: "error", kind: "timeout" });
    expect(decideOutcome(behaviour, 0.45)).toEqual({ type: "invalid" });
    expect(decideOutcome(behaviour, 0.5)).toEqual({ type: "ok" });
  });

  it("gives a retried prompt a fresh draw, independent of other prompts' interleaving", () => {
    const a = new DrawSource(1);
    const b = new DrawSource(1);
    const first = [a.next("m", "p1"), a.next("m", "p2"), a.next("m", "p1")];
    const second = [b.next("m", "p2"), b.next("m", "p1"), b.next("m", "p1")];
    expect(second[1]).toEqual(first[0]);
    expect(second[2]).toEqual(first[2]);
    expect(second[0]).toEqual(first[1]);
    expect(first[2]?.u).not.toBe(first[0]?.u);
    expect(new DrawSource(2).next("m", "p1").u).not.toBe(first[0]?.u);
  });

  it("spreads draws roughly uniformly", () => {
    const source = new DrawSource(1);
    let below = 0;
    for (let i = 0; i < 10_000; i++) if (source.next("m", `prompt ${i}`).u < 0.3) below++;
    expect(below / 10_000).toBeGreaterThan(0.27);
    expect(below / 10_000).toBeLessThan(0.33);
  });
});
