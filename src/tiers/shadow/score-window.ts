import { uncertainScale, uncertaintyWeight, EVEN_SCORES } from "./uncertain-sampling.js";

/** Recent scores kept per worker process: enough to know the mix, few enough to follow drift. */
export const SCORE_WINDOW_SIZE = 512;
/** The scale is searched again after this many new scores (not per job: it is a 60-step bisection). */
const RESCALE_EVERY = 32;

/**
 * The reference sample for `uncertain` shadow sampling in a worker: the scores of the last jobs
 * that could have been sampled (answered below the top tier), so the average rate holds for the
 * traffic as it is, not for an assumed distribution. Until it has seen any, scores spread evenly.
 * Per process: pods keep their own windows, and a job's draw (the hash of its key) is the same in all.
 */
export interface ScoreWindow {
  /** Notes a job's score, then returns the scale for `rate` and `thresholds` (cached between rescales). */
  scaleFor(score: number, rate: number, thresholds: readonly number[]): number;
}

export function createScoreWindow(size = SCORE_WINDOW_SIZE): ScoreWindow {
  const scores: number[] = [];
  let next = 0;
  let sinceRescale = Number.POSITIVE_INFINITY;
  let cached: { rate: number; cuts: string; scale: number } | undefined;
  return {
    scaleFor(score, rate, thresholds) {
      if (scores.length < size) scores.push(score);
      else scores[next] = score;
      next = (next + 1) % size;
      sinceRescale++;
      const cuts = thresholds.join(",");
      if (!cached || cached.rate !== rate || cached.cuts !== cuts || sinceRescale >= RESCALE_EVERY) {
        const sample = scores.length > 0 ? scores : EVEN_SCORES;
        cached = {
          rate,
          cuts,
          scale: uncertainScale(
            rate,
            sample.map((value) => uncertaintyWeight(value, thresholds)),
          ),
        };
        sinceRescale = 0;
      }
      return cached.scale;
    },
  };
}
