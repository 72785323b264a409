import type { QualityMetric, ReplayRow } from "../fake-llm/replay-dataset.js";

/**
 * What "the cheap tier's answer is not good enough" means for a recorded row: the training target.
 *
 * - `weak-fails` (absolute): the cheap answer is wrong (`correct: false`), or its score is below
 *   `minScore` (default 8 of 10).
 * - `strong-better` (relative): the top tier would have done better — it is right where the cheap
 *   one is wrong, or its score is at least `margin` (default 1) above the cheap one's.
 * - `gain` (soft, the default): the expected gain of sending the job up, mapped to [0, 1]:
 *   1 when only the top answer is good, 0 when only the cheap one is, ½ when they tie (both right
 *   or both wrong). For scores: ½ + (strong − weak) / (2 · scoreRange), clipped. This ranks jobs by
 *   what routing them up actually buys, which is what PGR and APGR measure; `weak-fails` also
 *   pushes up the jobs both models get wrong, spending top-tier calls that buy nothing.
 */
export const LABEL_MODES = ["gain", "strong-better", "weak-fails"] as const;
export type LabelMode = (typeof LABEL_MODES)[number];

export interface LabelOptions {
  mode: LabelMode;
  /** weak-fails on scored rows: a cheap score below this is not good enough. Default 8. */
  minScore?: number;
  /** strong-better on scored rows: the top score must beat the cheap one by at least this. Default 1. */
  margin?: number;
  /** gain on scored rows: the width of the score scale (10 for 1–10 grades). Default 9. */
  scoreRange?: number;
}

export const DEFAULT_MIN_SCORE = 8;
export const DEFAULT_SCORE_MARGIN = 1;
export const DEFAULT_SCORE_RANGE = 9;

/** The target in [0, 1] for one row; higher = the cheap answer is less likely good enough. */
export function labelOf(row: ReplayRow, metric: QualityMetric, options: LabelOptions): number {
  if (metric === "accuracy") {
    const weak = row.weak.correct ? 1 : 0;
    const strong = row.strong.correct ? 1 : 0;
    switch (options.mode) {
      case "weak-fails":
        return 1 - weak;
      case "strong-better":
        return strong > weak ? 1 : 0;
      case "gain":
        return (strong - weak + 1) / 2;
    }
  }
  const weak = row.weak.score ?? 0;
  const strong = row.strong.score ?? 0;
  switch (options.mode) {
    case "weak-fails":
      return weak < (options.minScore ?? DEFAULT_MIN_SCORE) ? 1 : 0;
    case "strong-better":
      return strong - weak >= (options.margin ?? DEFAULT_SCORE_MARGIN) ? 1 : 0;
    case "gain": {
      const range = options.scoreRange ?? DEFAULT_SCORE_RANGE;
      return Math.min(1, Math.max(0, 0.5 + (strong - weak) / (2 * range)));
    }
  }
}
