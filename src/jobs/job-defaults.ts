/** What `enqueue` flags fill in when a line leaves them out. */
export interface JobDefaults {
  kind?: string;
  labels?: string[];
  feature?: string;
  /** `--deadline`: lines without one may wait this long (batch lane). */
  deadline?: string;
  /** `--max-wait`: lines without one wait at most this long for busy models. */
  maxWait?: string;
}

/** The line's own fields win; a flag fills only what the line leaves out (labels only for classify). */
export function applyDefaults(job: Record<string, unknown>, defaults: JobDefaults): Record<string, unknown> {
  return {
    ...(defaults.kind !== undefined && job.kind === undefined ? { kind: defaults.kind } : {}),
    ...(defaults.labels !== undefined && job.labels === undefined && (job.kind ?? defaults.kind) === "classify"
      ? { labels: defaults.labels }
      : {}),
    ...(defaults.feature !== undefined && job.feature === undefined ? { feature: defaults.feature } : {}),
    ...(defaults.deadline !== undefined && job.deadline === undefined ? { deadline: defaults.deadline } : {}),
    ...(defaults.maxWait !== undefined && job.maxWait === undefined ? { maxWait: defaults.maxWait } : {}),
    ...job,
  };
}
