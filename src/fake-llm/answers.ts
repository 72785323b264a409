import { fillSchema } from "./extract-json.js";
import type { Rng } from "./rng.js";
import type { Task } from "./task.js";
import { CHARS_PER_TOKEN, cutAtWord, sentences, topicWords, words } from "./text.js";

/**
 * Answer text per job kind: plausible when valid, and when invalid, wrong in the way a real model
 * is wrong (a label outside the list, truncated JSON, an empty reply), so the router's validation
 * and retry paths see realistic failures. Pure: the same inputs and rng seed give the same text.
 */
export interface AnswerOptions {
  invalid: boolean;
  /** Target length; undefined means the kind's natural length. */
  outputTokens: number | undefined;
  rng: Rng;
}

const DEFAULT_TOKENS = { summarize: 60, generate: 120 } as const;

export function answerFor(task: Task, input: string, options: AnswerOptions): string {
  const { invalid, rng } = options;
  switch (task.kind) {
    case "classify":
      return invalid ? labelOutside(task.labels, rng) : classify(task.labels, input, rng);
    case "extract": {
      const json = JSON.stringify(fillSchema(task.schema, input, rng));
      // Cutting before the closing brace can never leave valid JSON for an object.
      return invalid ? json.slice(0, Math.max(1, Math.floor(json.length / 2))) : json;
    }
    case "summarize":
      return invalid ? "" : summarize(input, targetChars(options, DEFAULT_TOKENS.summarize));
    case "generate":
      return invalid ? "" : generate(input, targetChars(options, DEFAULT_TOKENS.generate), rng);
  }
}

const targetChars = (options: AnswerOptions, fallback: number): number => Math.max(1, options.outputTokens ?? fallback) * CHARS_PER_TOKEN;

/** The label sharing most words with the input (prefix matches count: "bill" ~ "billing"); ties go to the rng. */
export function classify(labels: string[], input: string, rng: Rng): string {
  const inputWords = words(input.toLowerCase());
  const scores = labels.map((label) =>
    words(label.toLowerCase().replace(/[_-]/g, " ")).reduce(
      (score, labelWord) => score + inputWords.filter((w) => related(w, labelWord)).length,
      0,
    ),
  );
  const best = Math.max(...scores);
  return rng.pick(labels.filter((_, i) => scores[i] === best));
}

function related(a: string, b: string): boolean {
  if (a === b) return true;
  return Math.min(a.length, b.length) >= 4 && (a.startsWith(b) || b.startsWith(a));
}

/** A reply a sloppy model gives instead of a label: never one of the allowed labels, whatever their case. */
function labelOutside(labels: string[], rng: Rng): string {
  const taken = new Set(labels.map((l) => l.trim().toLowerCase()));
  const candidates = ["unsure", "other", "none of the above", "I cannot tell which label fits"].filter((c) => !taken.has(c.toLowerCase()));
  if (candidates.length > 0) return rng.pick(candidates);
  let n = 1;
  while (taken.has(`unsure-${n}`)) n++;
  return `unsure-${n}`;
}

/** Leading sentences of the input up to about the target length, and shorter than the input: an extractive summary. */
function summarize(input: string, targetChars: number): string {
  const parts = sentences(input);
  if (parts.length === 0) return "The text is empty.";
  const maxChars = Math.min(targetChars, Math.max(Math.ceil(input.length / 2), parts[0]?.length ?? 0));
  let summary = "";
  for (const sentence of parts) {
    const next = summary ? `${summary} ${sentence}` : sentence;
    if (next.length > maxChars) break;
    summary = next;
  }
  return summary || cutAtWord(parts[0] ?? "", maxChars);
}

const TEMPLATES = [
  "Here is a short note about {a}.",
  "{A} matters because it shapes how {b} is handled.",
  "In practice, {a} and {b} are best considered together.",
  "A good first step is to review {a} carefully.",
  "Teams often revisit {b} once {a} is settled.",
  "The main trade-off is between {a} and {b}.",
  "It helps to write down what {a} should achieve.",
];

/** Whole sentences about the prompt's own topic words, up to about the target length. */
function generate(input: string, maxChars: number, rng: Rng): string {
  const topics = topicWords(input, 8);
  if (topics.length === 0) topics.push("the request", "the plan");
  let text = "";
  for (;;) {
    const a = rng.pick(topics);
    const b = rng.pick(topics.length > 1 ? topics.filter((t) => t !== a) : topics);
    const sentence = rng
      .pick(TEMPLATES)
      .replace("{A}", a.charAt(0).toUpperCase() + a.slice(1))
      .replace("{a}", a)
      .replace("{b}", b);
    const next = text ? `${text} ${sentence}` : sentence;
    // A target below one sentence still gets (part of) one: never an empty valid answer.
    if (next.length > maxChars) return text || cutAtWord(sentence, maxChars);
    text = next;
  }
}
