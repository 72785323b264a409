import type { JobCandidate } from "./job-candidate.js";

/**
 * Jobs that can be read more than once, each time from the start, as a stream: `enqueue` reads a
 * file twice (a cheap survey for the whole-submission facts, then the real pass), and never holds
 * more than a chunk of it. `onBytes` hears how far into the input a read has got, for progress.
 */
export interface JobSource {
  /** The input's size in the unit `onBytes` counts (bytes of a file; jobs of an array). */
  size: number;
  read(onBytes?: (done: number) => void): AsyncIterable<JobCandidate>;
}

/** An array as a source (the client API, tests): the unit of progress is one job. */
export function arraySource(candidates: readonly JobCandidate[]): JobSource {
  return {
    size: candidates.length,
    async *read(onBytes) {
      let done = 0;
      for (const candidate of candidates) {
        yield candidate;
        if (++done % 1000 === 0) onBytes?.(done);
      }
      onBytes?.(done);
    },
  };
}
