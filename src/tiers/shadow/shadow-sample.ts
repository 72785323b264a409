import type { QueuedJob } from "../../jobs/job-schema.js";

export type ShadowKeyKind = "id" | "feature" | "batch" | "prompt";

/** FNV-1a, 32 bits: stable across processes and releases, which is all sampling needs. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
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
  return fnv1a(key) / 2 ** 32 < rate;
}
