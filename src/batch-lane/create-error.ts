/**
 * A failed create of a provider batch, in words for the log and the row. Both SDKs' errors carry
 * the HTTP `status`; a network failure has none. 5xx, 408, 409, 429 and the network pass; any other
 * 4xx is the provider refusing this submission (too large, a bad line): retrying cannot help.
 */
const PASSING_4XX = new Set([408, 409, 429]);

export function createErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

export function isPermanentCreateError(error: unknown): boolean {
  const status = createErrorStatus(error);
  return status !== undefined && status >= 400 && status < 500 && !PASSING_4XX.has(status);
}

export function describeCreateError(error: unknown): string {
  const status = createErrorStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  return status === undefined ? `no HTTP answer: ${message}` : `HTTP ${status}: ${message}`;
}
