/**
 * Retries a write until it succeeds: while Postgres is down, the finished work waits here (its record
 * is also in the request journal) instead of failing the job and tempting anything to call the
 * provider again. Stops only when `signal` aborts (shutdown): the journal then carries the work to
 * whichever worker runs the job next.
 */
export async function persist<T>(
  write: () => Promise<T>,
  options: { signal?: AbortSignal; onRetry?: (error: unknown, attempt: number, delayMs: number) => void; maxDelayMs?: number } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const delayMs = Math.min(options.maxDelayMs ?? 5_000, 100 * 2 ** Math.min(attempt, 10));
      options.onRetry?.(error, attempt, delayMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, delayMs);
        function done() {
          clearTimeout(timer);
          options.signal?.removeEventListener("abort", done);
          resolve();
        }
        options.signal?.addEventListener("abort", done, { once: true });
      });
      if (options.signal?.aborted) throw error;
    }
  }
}
