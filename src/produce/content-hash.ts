import { createHash, hash } from "node:crypto";
import type { JobCandidate } from "../jobs/job-candidate.js";

/**
 * Fingerprints for duplicate detection at enqueue. Keys are sorted, so the same job written with
 * its fields in another order is the same job; anything else that differs (prompt, labels, schema,
 * metadata) makes it a different one.
 */

/** Sorted keys all the way down; a cycle throws (checkJob refuses such a job anyway). */
function canonical(value: unknown, path: Set<unknown> = new Set()): unknown {
  if (value === null || typeof value !== "object") return value;
  if (path.has(value)) throw new TypeError("cyclic value");
  path.add(value);
  const result = Array.isArray(value)
    ? value.map((item) => canonical(item, path))
    : Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, canonical((value as Record<string, unknown>)[key], path)]),
      );
  path.delete(value);
  return result;
}

/** The line's canonical text; a value JSON cannot carry (a BigInt, a cycle) hashes as its position. */
function lineText(candidate: JobCandidate): string {
  if (candidate.parseError !== undefined) return `!${candidate.parseError}`;
  try {
    return JSON.stringify(canonical(candidate.job));
  } catch {
    return `?unserialisable ${candidate.line}`;
  }
}

/** One-shot: no Hash object per job. */
const sha256 = (text: string): string => hash("sha256", text, "hex");

/** The job as accepted (after defaults), without its id: what the id must keep meaning. */
export function jobHash(job: Record<string, unknown>): string {
  const { id: _id, ...rest } = job;
  return sha256(JSON.stringify(canonical(rest)));
}

/**
 * The whole submission's fingerprint, fed one candidate at a time (a file is hashed as it streams):
 * bad lines included, in order, so the same file (or API call) hashes the same.
 */
export class ContentHasher {
  private readonly hash = createHash("sha256");

  add(candidate: JobCandidate): void {
    this.hash.update(lineText(candidate));
    this.hash.update("\n");
  }

  digest(): string {
    return this.hash.digest("hex");
  }
}

export function contentHash(candidates: readonly JobCandidate[]): string {
  const hasher = new ContentHasher();
  for (const candidate of candidates) hasher.add(candidate);
  return hasher.digest();
}
