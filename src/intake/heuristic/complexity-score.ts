import type { JobKind } from "../../jobs/job-schema.js";
import type { RoutingSignals } from "../routing-decision.js";

/**
 * Complexity score in [0, 1]: a logistic over saturating, normalised signals.
 *
 *   z     = KIND.bias + KIND.lengthWeight · n(tokens) + KIND.contentFactor · Σ WEIGHT_s · n(signal_s)
 *   score = 1 / (1 + e^(−z))
 *
 * n(x) = x / (x + half): 0 for none, 0.5 at `half`, approaching 1. Saturation keeps one runaway
 * count (a 400-item list, a 2 MB paste) from deciding alone; a mix of different signals is what
 * pushes a job up, which is what "hard" usually looks like (code + several questions + "why").
 *
 * The weights are hand-set, not fitted: they order typical jobs sensibly (see the routing tests)
 * and every contribution is reported in the decision's reason, so they are easy to audit and retune.
 */

// Weight of each content signal, in logit units at saturation (before the kind's contentFactor).

/** Asking for reasoning (prove, derive, compare, trade-off, why, debug...) is the strongest hint that a small model will fall short. */
export const WEIGHT_REASONING = 2.2;
/** Code (fenced blocks, code-looking lines) needs exact reading and writing; small models slip on it. */
export const WEIGHT_CODE = 1.6;
/** Several questions in one job means several things to get right in one answer. */
export const WEIGHT_QUESTIONS = 1.2;
/** Math notation and vocabulary: multi-step calculation is a classic failure of cheap models. */
export const WEIGHT_MATH = 1.2;
/** Constraints and list items: many requirements to satisfy at once (instruction-following load). */
export const WEIGHT_CONSTRAINTS = 1.0;
/** A long conversation carries context the answer must stay consistent with. */
export const WEIGHT_TURNS = 0.6;

/** Counts at which each normalised signal reaches 0.5. */
export const HALF_TOKENS = 1_500;
export const HALF_REASONING = 2;
export const HALF_CODE = 1;
export const HALF_QUESTIONS = 2;
export const HALF_MATH = 3;
export const HALF_CONSTRAINTS = 4;
/** Extra turns beyond the first. */
export const HALF_EXTRA_TURNS = 4;

export interface KindProfile {
  /** Logit with no signals at all: where a bare job of this kind starts. */
  bias: number;
  /** Weight of prompt length (logit units at saturation). */
  lengthWeight: number;
  /**
   * Multiplier on the content signals. For generate the prompt is the instruction, so every
   * "prove" or "must" in it is asked of the model. For classify, extract and summarize the text
   * is mostly material to process: a news article that quotes someone saying "we must compare..."
   * asks nothing hard of the model, so its words count for much less.
   */
  contentFactor: number;
}

/**
 * Per kind. Bounds that matter: on length alone, classify stays cheap at any length
 * (z < −2.4 + 0.8 → score < 0.17). For summarize, length is not difficulty (issue 16 item 15: 23% of
 * the jobs, summaries of 300–2,000-word documents, were 92% of the cost because long scored high):
 * condensing a long article is what the cheapest models do well, so length adds little
 * (z < −1.5 + 0.4 → score < 0.25 on length alone, cheap at any length with the default thresholds)
 * and the article's own words count for little (contentFactor 0.2: its "why"s and "must"s are asked of
 * its authors, not of the model); even every content signal at saturation stays below premium
 * (z < −1.5 + 0.4 + 0.2 · 7.8 → score < 0.62). Use `kindCeilings` in the tiers file to bound a kind's tier outright.
 */
export const KIND_PROFILES: Readonly<Record<JobKind, KindProfile>> = {
  classify: { bias: -2.4, lengthWeight: 0.8, contentFactor: 0.4 },
  extract: { bias: -2.0, lengthWeight: 1.0, contentFactor: 0.5 },
  summarize: { bias: -1.5, lengthWeight: 0.4, contentFactor: 0.2 },
  generate: { bias: -1.6, lengthWeight: 1.4, contentFactor: 1.0 },
};

/** Signals that can appear in a breakdown (and in a decision's reason). */
export type ScoredSignal = "length" | "reasoningTerms" | "codeBlocks" | "questions" | "mathTerms" | "constraints" | "turns";

export interface SignalContribution {
  signal: ScoredSignal;
  /** The raw count (estimated tokens for length). */
  value: number;
  /** What the signal added to the logit. */
  contribution: number;
}

export interface ComplexityBreakdown {
  score: number;
  /** Largest contribution first; signals that added nothing are left out. */
  contributions: SignalContribution[];
}

const saturate = (value: number, half: number) => (value > 0 ? value / (value + half) : 0);

/** The score and what each signal added to it, for reasons and reports. */
export function explainComplexity(signals: RoutingSignals, kind: JobKind): ComplexityBreakdown {
  const profile = KIND_PROFILES[kind];
  const content = profile.contentFactor;
  const terms: SignalContribution[] = [
    {
      signal: "length",
      value: signals.estimatedTokens,
      contribution: profile.lengthWeight * saturate(signals.estimatedTokens, HALF_TOKENS),
    },
    {
      signal: "reasoningTerms",
      value: signals.reasoningTerms,
      contribution: content * WEIGHT_REASONING * saturate(signals.reasoningTerms, HALF_REASONING),
    },
    {
      signal: "codeBlocks",
      value: signals.codeBlocks,
      contribution: content * WEIGHT_CODE * saturate(signals.codeBlocks, HALF_CODE),
    },
    {
      signal: "questions",
      value: signals.questions,
      contribution: content * WEIGHT_QUESTIONS * saturate(signals.questions, HALF_QUESTIONS),
    },
    {
      signal: "mathTerms",
      value: signals.mathTerms,
      contribution: content * WEIGHT_MATH * saturate(signals.mathTerms, HALF_MATH),
    },
    {
      signal: "constraints",
      value: signals.constraints,
      contribution: content * WEIGHT_CONSTRAINTS * saturate(signals.constraints, HALF_CONSTRAINTS),
    },
    {
      signal: "turns",
      value: signals.turns,
      contribution: content * WEIGHT_TURNS * saturate(Math.max(0, signals.turns - 1), HALF_EXTRA_TURNS),
    },
  ];
  let logit = profile.bias;
  for (const term of terms) logit += term.contribution;
  const score = 1 / (1 + Math.exp(-logit));
  const contributions = terms.filter((term) => term.contribution > 0).sort((a, b) => b.contribution - a.contribution);
  return { score, contributions };
}

/** Complexity of a job in [0, 1] from its signals; see the module comment for the formula. */
export function complexityScore(signals: RoutingSignals, kind: JobKind): number {
  return explainComplexity(signals, kind).score;
}
