import type { RouterConfig } from "../config/router-config-schema.js";
import type { JobCandidate } from "../jobs/job-candidate.js";
import type { JobInput } from "../jobs/job-schema.js";
import { checkJob, largestContextWindow } from "../produce/check-job.js";
import type { RejectedLine } from "../produce/producer.js";

/**
 * The jobs `enqueue` would accept, by the same checks in the same order (checkJob, first line wins
 * for a repeated id), and the lines it would reject with the same reasons. Pure.
 */
export function screenJobs(
  candidates: readonly JobCandidate[],
  config: RouterConfig,
): { jobs: JobInput[]; rejected: RejectedLine[]; duplicates: number } {
  const limit = largestContextWindow(config);
  const jobs: JobInput[] = [];
  const rejected: RejectedLine[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const candidate of candidates) {
    if (candidate.parseError !== undefined) {
      rejected.push({ line: candidate.line, reason: candidate.parseError });
      continue;
    }
    const check = checkJob(candidate.job, config, limit);
    if (!check.ok) {
      rejected.push({ line: candidate.line, reason: check.reason });
      continue;
    }
    // Lines without an id get a fresh one per line from enqueue, so they never collide.
    const id = check.job.id;
    if (id !== undefined && seen.has(id)) {
      duplicates++;
      continue;
    }
    if (id !== undefined) seen.add(id);
    jobs.push(check.job);
  }
  return { jobs, rejected, duplicates };
}
