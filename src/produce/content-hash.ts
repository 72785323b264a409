import { createHash } from "node:crypto";
import type { JobCandidate } from "../jobs/job-candidate.js";

/**
 * Fingerprints for duplicate detection at enqueue. Keys are sorted, so the same job written with
 * its fields in another order is the same job; anything else that differs (prompt, labels, schema,
 * metadata) makes it a different one.
 */

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The job as accepted (after defaults), without its id: what the id must keep meaning. */
export function jobHash(job: Record<string, unknown>): string {
  const { id: _id, ...rest } = job;
  return sha256(JSON.stringify(canonical(rest)));
}

/** The whole submission, bad lines included, in order: the same file (or API call) hashes the same. */
export function contentHash(candidates: readonly JobCandidate[]): string {
  const hash = createHash("sha256");
  for (const candidate of candidates) {
    hash.update(candidate.parseError !== undefined ? `!${candidate.parseError}` : JSON.stringify(canonical(candidate.job)));
    hash.update("\n");
  }
  return hash.digest("hex");
}
