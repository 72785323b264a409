import type { QueuedJob } from "../../jobs/job-schema.js";

export type ShadowKeyKind = "id" | "feature" | "batch" | "prompt";

/**
 * FNV-1a, 32 bits, then MurmurHash3's final avalanche (fmix32): stable across processes and
 * releases, which is all sampling needs. The avalanche matters: FNV-1a alone barely stirs its top
 * bits for the last characters, and the draw compares the whole value to `rate`, so ids that share a
 * prefix and differ in a counter (`order-70` … `order-99`, `eval-….mmlu-prehistory-007`) were
 * sampled at 0–70% instead of the rate. (tiers/ cannot import intake's hashString; this is the same
 * finaliser.)
 */
function sampleHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** The value a job is sampled on: the same value always falls the same way, in every pod. */
export function shadowKeyOf(kind: ShadowKeyKind, job: Pick<QueuedJob, "requestId" | "batchId" | "job">): string {
  switch (kind) {
    case "id":
      return job.requestId;
    case "feature":
      return job.job.feature ?? "";
    case "batch":
      return job.batchId;
    case "prompt":
      return job.job.prompt ?? job.job.messages?.map((message) => message.content).join("\n") ?? "";
  }
}

/** Consistent sampling: a key is in when its hash falls below `rate` of the hash space. */
export function shadowSampled(key: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return sampleHash(key) / 2 ** 32 < rate;
}
