import { describe, expect, it } from "vitest";
import { JOB_KINDS, MAX_PROMPT_CHARS, type JobKind } from "../../../src/jobs/job-schema.js";
import { complexityScore, explainComplexity, extractSignals, KIND_PROFILES, type RoutingSignals } from "../../../src/intake/index.js";
import { CODE_REVIEW, makeJob, NEWS_ARTICLE, TICKET } from "../../helpers/intake/fixtures.js";

const scoreOf = (kind: JobKind, prompt: string) => complexityScore(extractSignals(makeJob({ kind, prompt })), kind);

const NONE: RoutingSignals = {
  chars: 0,
  estimatedTokens: 0,
  words: 0,
  questions: 0,
  codeBlocks: 0,
  reasoningTerms: 0,
  constraints: 0,
  mathTerms: 0,
  turns: 1,
};

describe("complexityScore", () => {
  it("scores a short classify ticket around 0.1", () => {
    const score = scoreOf("classify", TICKET);
    expect(score).toBeGreaterThan(0.03);
    expect(score).toBeLessThan(0.15);
  });

  it("scores a long multi-question code review with reasoning words above 0.7", () => {
    expect(scoreOf("generate", CODE_REVIEW)).toBeGreaterThan(0.7);
  });

  it("scores a news article to summarize as moderate: above a ticket, below premium", () => {
    const score = scoreOf("summarize", NEWS_ARTICLE);
    expect(score).toBeGreaterThan(0.2);
    expect(score).toBeLessThan(0.65);
    expect(score).toBeGreaterThan(scoreOf("classify", TICKET));
  });

  it("never lets length alone push summarize or classify to premium", () => {
    const huge = "The committee met again and discussed the budget. ".repeat(Math.floor(MAX_PROMPT_CHARS / 51));
    expect(scoreOf("summarize", huge)).toBeLessThan(0.65);
    expect(scoreOf("classify", huge)).toBeLessThan(0.35);
    const maxTokens = { ...NONE, chars: MAX_PROMPT_CHARS, estimatedTokens: MAX_PROMPT_CHARS / 4 };
    expect(complexityScore(maxTokens, "summarize")).toBeLessThan(0.65);
  });

  it("keeps a plain summary of 300 to 2,000 words in the cheapest tier whatever its length (length is not difficulty)", () => {
    // Before the kind-aware profile: a 2,000-word summary scored ~0.37, above the cheap tier's 0.35.
    for (const words of [300, 800, 1_400, 2_000]) {
      const text = "The council met on Tuesday and approved the new budget for the library. ".repeat(Math.ceil(words / 13));
      expect(scoreOf("summarize", text)).toBeLessThan(0.35);
    }
  });

  it("orders the same text by kind: generate asks more of the model than classify", () => {
    const signals = extractSignals(makeJob({ kind: "generate", prompt: CODE_REVIEW }));
    expect(complexityScore(signals, "generate")).toBeGreaterThan(complexityScore(signals, "summarize"));
    expect(complexityScore(signals, "generate")).toBeGreaterThan(complexityScore(signals, "extract"));
    expect(complexityScore(signals, "extract")).toBeGreaterThan(complexityScore(signals, "classify"));
  });

  it("stays in [0, 1] and never drops when a signal grows", () => {
    const keys = ["estimatedTokens", "questions", "codeBlocks", "reasoningTerms", "constraints", "mathTerms", "turns"] as const;
    for (const kind of JOB_KINDS) {
      for (const key of keys) {
        let previous = complexityScore(NONE, kind);
        for (const value of [1, 2, 5, 20, 1_000, 1_000_000]) {
          const score = complexityScore({ ...NONE, [key]: value }, kind);
          expect(score).toBeGreaterThanOrEqual(previous);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(1);
          previous = score;
        }
      }
    }
  });

  it("explains the score: the logistic of the kind's bias plus the listed contributions, largest first", () => {
    const signals = extractSignals(makeJob({ kind: "generate", prompt: CODE_REVIEW }));
    const { score, contributions } = explainComplexity(signals, "generate");
    const logit = KIND_PROFILES.generate.bias + contributions.reduce((sum, term) => sum + term.contribution, 0);
    expect(score).toBeCloseTo(1 / (1 + Math.exp(-logit)), 12);
    expect(score).toBe(complexityScore(signals, "generate"));
    const sizes = contributions.map((term) => term.contribution);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(contributions[0]?.signal).toBe("reasoningTerms");
    expect(contributions.find((term) => term.signal === "codeBlocks")?.value).toBe(2);
  });

  it("leaves out signals that are absent", () => {
    const { contributions } = explainComplexity({ ...NONE, questions: 2 }, "generate");
    expect(contributions.map((term) => term.signal)).toEqual(["questions"]);
  });
});
