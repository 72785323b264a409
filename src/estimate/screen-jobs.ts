import type { RouterConfig } from "../config/router-config-schema.js";
import type { JobCandidate } from "../jobs/job-candidate.js";
import type { JobInput } from "../jobs/job-schema.js";
import { checkJob, largestContextWindow } from "../produce/check-job.js";
import type { RejectedLine } from "../produce/producer.js";

export interface Screened {
  jobs: JobInput[];
  rejected: RejectedLine[];
  duplicates: number;
}

/**
 * The jobs `enqueue` would accept, by the same checks in the same order (checkJob, first line wins
 * for a repeated id), and the lines it would reject with the same reasons. Reads the candidates as
 * a stream (the file is never held whole; the checked jobs are, for the estimate).
 */
export async function screenJobStream(
  candidates: AsyncIterable<JobCandidate> | Iterable<JobCandidate>,
  config: RouterConfig,
): Promise<Screened> {
  const screen = createScreen(config);
  for await (const candidate of candidates) screen.add(candidate);
  return screen.result;
}

/** The same over candidates in memory. Pure. */
export function screenJobs(candidates: readonly JobCandidate[], config: RouterConfig): Screened {
  const screen = createScreen(config);
  for (const candidate of candidates) screen.add(candidate);
  return screen.result;
}

function createScreen(config: RouterConfig): { add(candidate: JobCandidate): void; result: Screened } {
  const limit = largestContextWindow(config);
  const result: Screened = { jobs: [], rejected: [], duplicates: 0 };
  const seen = new Set<string>();
  return {
    result,
    add(candidate) {
      if (candidate.parseError !== undefined) {
        result.rejected.push({ line: candidate.line, reason: candidate.parseError });
        return;
      }
      const check = checkJob(candidate.job, config, limit);
      if (!check.ok) {
        result.rejected.push({ line: candidate.line, reason: check.reason });
        return;
      }
      // Lines without an id get a fresh one per line from enqueue, so they never collide.
      const id = check.job.id;
      if (id !== undefined && seen.has(id)) {
        result.duplicates++;
        return;
      }
      if (id !== undefined) seen.add(id);
      result.jobs.push(check.job);
    },
  };
}
