import { describe, expect, it } from "vitest";
import { MAX_PROMPT_CHARS } from "../../../src/jobs/job-schema.js";
import { extractSignals, SAMPLE_HEAD_CHARS, SAMPLE_LIMIT_CHARS, SAMPLE_TAIL_CHARS } from "../../../src/intake/index.js";
import { CODE_REVIEW, makeJob, NEWS_ARTICLE, TICKET } from "../../helpers/intake/fixtures.js";

const signalsOf = (prompt: string) => extractSignals(makeJob({ kind: "generate", prompt }));

describe("extractSignals: size", () => {
  it("counts characters, tokens (chars / 4 rounded up) and words of a plain prompt", () => {
    const signals = signalsOf(TICKET);
    expect(signals.chars).toBe(TICKET.length);
    expect(signals.estimatedTokens).toBe(Math.ceil(TICKET.length / 4));
    expect(signals.words).toBe(TICKET.split(" ").length);
    expect(signals.turns).toBe(1);
    expect(signals.sampledChars).toBe(TICKET.length);
  });

  it("adds the system prompt and every message, and counts turns", () => {
    const job = makeJob({
      kind: "generate",
      system: "Be brief.",
      messages: [
        { role: "user", content: "Hello there" },
        { role: "assistant", content: "Hi, how can I help?" },
        { role: "user", content: "Tell me a joke" },
      ],
    });
    const signals = extractSignals(job);
    expect(signals.chars).toBe("Be brief.".length + "Hello there".length + "Hi, how can I help?".length + "Tell me a joke".length);
    expect(signals.turns).toBe(3);
    expect(signals.words).toBe(2 + 2 + 5 + 4);
    expect(signals.questions).toBe(1);
  });

  it("splits words on tabs, newlines and non-breaking spaces", () => {
    expect(signalsOf("one\ttwo\nthree\u00a0four   five").words).toBe(5);
  });
});

describe("extractSignals: questions", () => {
  it("counts question marks that end a clause, once per run", () => {
    expect(signalsOf("Why was I charged twice? Can you refund it?? (Is it my fault?)").questions).toBe(3);
  });

  it("ignores ternaries, query strings and optional chaining", () => {
    expect(signalsOf("Use a ? b : c and see https://x.test/?q=1 or obj?.field").questions).toBe(0);
  });

  it("ignores question marks inside fenced code", () => {
    expect(signalsOf("Look:\n```\nconst a = ok? 1 : 2; // really? yes\n```\nDone.").questions).toBe(0);
  });
});

describe("extractSignals: code", () => {
  it("counts fenced blocks, and non-blank lines inside them as code lines", () => {
    const signals = signalsOf(CODE_REVIEW);
    expect(signals.codeBlocks).toBe(2);
    expect(signals.codeLines).toBe(12);
  });

  it("counts an unclosed fence and a ~~~ fence", () => {
    expect(signalsOf("a\n~~~\nx = 1\n~~~\nb\n```js\nlet y = 2").codeBlocks).toBe(2);
  });

  it("groups consecutive code-looking lines outside fences into one block", () => {
    const prompt = [
      "Why does this fail?",
      "const total = items.reduce(sum, 0);",
      "if (total > limit) {",
      "  throw new Error('too much');",
      "}",
      "",
      "It started after the upgrade.",
      "import os",
      "from pathlib import Path",
    ].join("\n");
    const signals = signalsOf(prompt);
    expect(signals.codeBlocks).toBe(2);
    expect(signals.codeLines).toBe(6);
  });

  it("does not take ordinary prose lines for code", () => {
    const prose =
      "Let me know what you think.\nlet me know if it helps\nImport the data first, then select the rows you need.\nFor (most) people this is fine.";
    const signals = signalsOf(prose);
    expect(signals.codeBlocks).toBe(0);
    expect(signals.codeLines).toBe(0);
  });
});

describe("extractSignals: reasoning, constraints, math", () => {
  it("counts reasoning words and phrases, whatever their case and spacing", () => {
    const signals = signalsOf("PROVE it. Explain why, step  by\tstep, then compare the trade-offs and analyse the root cause.");
    // prove, explain why (one term, not two), step by step, compare, trade-offs, analyse, root cause
    expect(signals.reasoningTerms).toBe(7);
  });

  it("does not count words that merely start like a term", () => {
    expect(signalsOf("The analysts traced the provenance of the designer shoes; whyever not.").reasoningTerms).toBe(0);
  });

  it("ignores terms inside fenced code", () => {
    const signals = signalsOf("```\n// must prove why: calculate 2 + 2\n```\nShip it.");
    expect(signals.reasoningTerms).toBe(0);
    expect(signals.constraints).toBe(0);
    expect(signals.mathTerms).toBe(0);
  });

  it("counts constraint words and numbered or bulleted items", () => {
    const prompt =
      "You must answer in at most 50 words, without jargon. Don’t guess.\n1. Be exact\n2) Cite sources\n- no emojis\n* one line";
    // must, at most, without, Don’t, exactly? no ("exact" is not "exactly") + 4 list items
    expect(signalsOf(prompt).constraints).toBe(8);
  });

  it("counts numeric notation and math words, but not dates or version numbers", () => {
    const signals = signalsOf("Calculate the probability that 2x + 3 = 11 when x^2 ≤ 9, and 10 - 4. Released 2024-01-05, v1.2.3.");
    // calculate, probability, "2x + 3", "^2", "≤", "10 - 4"
    expect(signals.mathTerms).toBe(6);
  });
});

describe("extractSignals: very large prompts", () => {
  it("uses the full length for size but a bounded sample for the text signals", () => {
    const question = "\n\nSo what should we do first?";
    const filler = "lorem ipsum dolor sit amet ".repeat(Math.ceil(MAX_PROMPT_CHARS / 27));
    const prompt = filler.slice(0, MAX_PROMPT_CHARS - question.length) + question;
    expect(prompt.length).toBe(MAX_PROMPT_CHARS);

    const signals = signalsOf(prompt);
    expect(signals.chars).toBe(MAX_PROMPT_CHARS);
    expect(signals.estimatedTokens).toBe(MAX_PROMPT_CHARS / 4);
    expect(signals.sampledChars).toBe(SAMPLE_HEAD_CHARS + SAMPLE_TAIL_CHARS);
    // Words are extrapolated from the sample to the whole text (5 words every 27 characters).
    const exactWords = prompt.trim().split(/\s+/).length;
    expect(Math.abs(signals.words - exactWords) / exactWords).toBeLessThan(0.02);
    // The question at the very end sits in the tail sample; "should" is a constraint term.
    expect(signals.questions).toBe(1);
    expect(signals.constraints).toBe(1);
  });

  it("does not see what only the middle of a huge prompt says (documented trade-off)", () => {
    const half = "plain words here ".repeat(20_000);
    const signals = signalsOf(`${half}\nWhy? Prove it step by step.\n${half}`);
    expect(signals.questions).toBe(0);
    expect(signals.reasoningTerms).toBe(0);
  });

  it("bounds the sample across many large messages too", () => {
    const content = "x".repeat(4_000);
    const messages = Array.from({ length: 499 }, (_, index) => ({
      role: index % 2 === 0 ? ("user" as const) : ("assistant" as const),
      content,
    }));
    const job = makeJob({ kind: "generate", messages: [...messages, { role: "user", content: "Which one is best?" }] });
    const signals = extractSignals(job);
    expect(signals.chars).toBe(499 * 4_000 + "Which one is best?".length);
    expect(signals.turns).toBe(500);
    expect(signals.sampledChars).toBe(SAMPLE_HEAD_CHARS + SAMPLE_TAIL_CHARS);
    expect(signals.questions).toBe(1);
  });

  it("scans prompts up to the sample limit whole", () => {
    const prompt = `${"a ".repeat((SAMPLE_LIMIT_CHARS - 40) / 2)}Is the middle seen?`;
    expect(prompt.length).toBeLessThanOrEqual(SAMPLE_LIMIT_CHARS);
    const signals = signalsOf(prompt);
    expect(signals.sampledChars).toBe(prompt.length);
    expect(signals.questions).toBe(1);
  });

  it("gives the same signals for a news article as before sampling kicks in", () => {
    const signals = signalsOf(NEWS_ARTICLE);
    expect(signals.sampledChars).toBe(NEWS_ARTICLE.length);
    expect(signals.words).toBe(NEWS_ARTICLE.split(/\s+/).length);
  });
});
