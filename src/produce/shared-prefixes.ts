import { prefixHash, promptPrefix } from "../jobs/build-prompt.js";
import type { JobInput } from "../jobs/job-schema.js";

/**
 * Stamps each job with how many jobs of the submission share its prompt prefix (the prompt cache's
 * unit), so a worker marks a prefix for caching only where it will be read again. Counted over the
 * whole submission before anything is queued; a larger count the job already carries is kept.
 */
export function stampSharedPrefixes<T extends { job: JobInput }>(entries: T[]): T[] {
  const hashes = entries.map(({ job }) => prefixHash(promptPrefix(job)));
  const counts = new Map<string, number>();
  for (const hash of hashes) counts.set(hash, (counts.get(hash) ?? 0) + 1);
  return entries.map((entry, index) => {
    const counted = counts.get(hashes[index]!)!;
    const sharedPrefixJobs = Math.max(counted, entry.job.sharedPrefixJobs ?? 0);
    return { ...entry, job: { ...entry.job, sharedPrefixJobs } };
  });
}
