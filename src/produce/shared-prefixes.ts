import { prefixHash, promptPrefix } from "../jobs/build-prompt.js";
import { JOB_KINDS, type JobInput } from "../jobs/job-schema.js";

/** Enough of a prefix's sha256 to tell prefixes apart in one submission, at a fraction of the memory. */
const KEY_CHARS = 16;

/**
 * How many jobs of a submission share each prompt prefix (the prompt cache's unit), so a worker
 * marks a prefix for caching only where it will be read again. Counted in the survey pass, before
 * any job is queued, over the lines as read (not yet checked): the prefix is built from the raw
 * fields it depends on (kind, system, labels trimmed as the schema trims them, schema), so a line
 * later rejected or skipped as a duplicate still counts. The count is a hint for caching, and an
 * over-count by the few bad lines costs at most one cache write that is never read.
 * Memory: one entry per distinct prefix (a few in a typical batch; ~100 bytes each).
 */
export class PrefixCounter {
  private readonly counts = new Map<string, number>();

  /** Counts one line's job (as read, defaults applied); anything that is not a job of a known kind is ignored. */
  addRaw(raw: unknown): void {
    if (raw === null || typeof raw !== "object") return;
    const job = raw as Record<string, unknown>;
    if (typeof job.kind !== "string" || !(JOB_KINDS as readonly string[]).includes(job.kind)) return;
    const labels = Array.isArray(job.labels) ? job.labels.map((label) => (typeof label === "string" ? label.trim() : label)) : job.labels;
    try {
      this.add({ ...job, labels } as JobInput);
    } catch {
      // A field of the wrong type (the check will refuse the line): nothing to count.
    }
  }

  add(job: JobInput): void {
    const key = keyOf(job);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  countOf(job: JobInput): number {
    return this.counts.get(keyOf(job)) ?? 1;
  }

  get distinct(): number {
    return this.counts.size;
  }
}

/**
 * The key of each prefix text seen lately: a submission has a few distinct prefixes and each job's
 * key is asked for twice (survey, stamp), so a sha256 per ask was most of this file's cost. Bounded:
 * emptied when full, so a file of all-different prefixes costs one sha256 an ask, as before.
 */
const recentKeys = new Map<string, string>();
const RECENT_KEYS_MAX = 1_000;

function keyOf(job: JobInput): string {
  const prefix = promptPrefix(job);
  let key = recentKeys.get(prefix);
  if (key === undefined) {
    if (recentKeys.size >= RECENT_KEYS_MAX) recentKeys.clear();
    key = prefixHash(prefix).slice(0, KEY_CHARS);
    recentKeys.set(prefix, key);
  }
  return key;
}

/** The job stamped with its prefix's count; a larger count the job already carries is kept. */
export function stampSharedPrefix(job: JobInput, counts: PrefixCounter): JobInput {
  return { ...job, sharedPrefixJobs: Math.max(counts.countOf(job), job.sharedPrefixJobs ?? 0) };
}

/** All of a submission at once (tests, callers holding an array): counted over the checked jobs. */
export function stampSharedPrefixes<T extends { job: JobInput }>(entries: T[]): T[] {
  const counts = new PrefixCounter();
  for (const { job } of entries) counts.add(job);
  return entries.map((entry) => ({ ...entry, job: stampSharedPrefix(entry.job, counts) }));
}
