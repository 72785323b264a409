/** Time left for `remaining` jobs at `perSecond`; 0 when none remain, null when the rate is unknown. */
export function etaMs(remaining: number, perSecond: number | null): number | null {
  if (remaining <= 0) return 0;
  if (perSecond === null || !(perSecond > 0)) return null;
  return Math.round((remaining / perSecond) * 1000);
}

export interface FinishRateTracker {
  /** Records how many jobs had finished at `atMs`; returns the finish rate per second over the window. */
  sample(finished: number, atMs: number): number | null;
}

/**
 * The recent finish rate, for a live ETA: over the last `windowMs` of samples, so it follows the
 * workers' current pace (scaled up or down, a slow tier draining) rather than the whole history.
 */
export function createFinishRateTracker(windowMs = 30_000): FinishRateTracker {
  const samples: { finished: number; atMs: number }[] = [];
  return {
    sample(finished, atMs) {
      samples.push({ finished, atMs });
      while (samples.length > 2 && samples[1]!.atMs <= atMs - windowMs) samples.shift();
      const first = samples[0]!;
      const seconds = (atMs - first.atMs) / 1000;
      if (samples.length < 2 || seconds <= 0) return null;
      return Math.max(0, finished - first.finished) / seconds;
    },
  };
}

/** "1h 02m", "3m 05s", "42s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, "0")}m`;
  if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, "0")}s`;
  return `${seconds}s`;
}
