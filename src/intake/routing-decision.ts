/** What the intake stage decided for one job, and why. Stored on the request row. */

/** Measurable features of a job's text: what the routing literature uses to guess difficulty. */
export interface RoutingSignals {
  /** Characters of prompt + system + messages. */
  chars: number;
  /** chars / 4, rounded up. */
  estimatedTokens: number;
  words: number;
  /** Count of '?' ending a sentence / question-like clauses. */
  questions: number;
  /** Fenced ``` blocks, plus lines that look like code. */
  codeBlocks: number;
  /** Words that ask for reasoning: prove, derive, analyze, compare, trade-off, step by step, why, ... */
  reasoningTerms: number;
  /** Explicit constraints or requirements: must, should, at least, exactly, without, numbered list items, ... */
  constraints: number;
  /** Digits, operators, equations: math-heavy prompts. */
  mathTerms: number;
  /** Turns in a multi-message conversation (1 for a plain prompt). */
  turns: number;
  /** Non-blank lines inside fences plus code-looking lines outside them (codeBlocks groups them). */
  codeLines?: number;
  /**
   * Characters the text signals were counted on: chars for ordinary prompts, a bounded head + tail
   * sample for huge ones (words are then extrapolated to the full length; the other counts are not).
   */
  sampledChars?: number;
}

export type ClassifierKind = "rule" | "heuristic" | "trained" | "llm";

export interface RoutingDecision {
  /** Name of the tier the job goes to first. */
  tier: string;
  /** Human-readable, e.g. "feature legal-review → premium" or "heuristic score 0.72 (code, 3 questions) → premium". */
  reason: string;
  classifier: ClassifierKind;
  /** Complexity in [0, 1] from the configured classifier (computed for rule decisions too). */
  score: number;
  signals: RoutingSignals;
}
