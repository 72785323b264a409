/**
 * One place that knows how to stop everything, in order. Closers run last-registered first
 * (workers stop before the ledger flushes, Redis closes before Postgres), each once.
 */
export class ShutdownRegistry {
  private readonly closers: { name: string; close: () => Promise<unknown> }[] = [];
  private closing: Promise<void> | undefined;

  register(name: string, close: () => Promise<unknown>): void {
    this.closers.push({ name, close });
  }

  /** Idempotent: a second call returns the first call's promise. Errors are reported, not thrown, so every closer runs. */
  close(onError: (name: string, error: unknown) => void = () => {}): Promise<void> {
    this.closing ??= (async () => {
      for (const closer of [...this.closers].reverse()) {
        try {
          await closer.close();
        } catch (error) {
          onError(closer.name, error);
        }
      }
    })();
    return this.closing;
  }
}
