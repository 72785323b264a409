import type { JobSource } from "../jobs/job-source.js";
import { ContentHasher } from "./content-hash.js";
import { PrefixCounter } from "./shared-prefixes.js";

export interface Survey {
  /** The submission's content hash (contentHash()), for the repeated-content check. */
  contentHash: string;
  /** Jobs per shared prompt prefix, for the stamp each job carries. */
  prefixes: PrefixCounter;
  /** Lines read (good and bad). */
  lines: number;
}

/**
 * The first of enqueue's two passes over a submission: the facts about the whole of it that must
 * be known before its first job is queued — whether an earlier batch had exactly this content (a
 * repeat must be refused before anything runs and is paid for, not rolled back after) and how many
 * jobs share each prompt prefix (stamped on each job as it goes out). It parses each line but does
 * not check it (that is the second pass's work, done once), and keeps only the hash state and one
 * counter per distinct prefix, so its memory does not grow with the file.
 */
export async function surveySource(source: JobSource, onBytes?: (done: number) => void): Promise<Survey> {
  const hasher = new ContentHasher();
  const prefixes = new PrefixCounter();
  let lines = 0;
  for await (const candidate of source.read(onBytes)) {
    lines++;
    hasher.add(candidate);
    if (candidate.parseError === undefined) prefixes.addRaw(candidate.job);
  }
  return { contentHash: hasher.digest(), prefixes, lines };
}
