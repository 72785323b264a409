/**
 * Which database errors are worth retrying: the ones that say nothing about the write itself (the
 * connection went away, the server is restarting or full, a timeout, a lost race with another
 * transaction). Everything else — a missing grant, a constraint, a bad value, a missing column —
 * fails the same way every time, so retrying it only hangs the job. The list follows
 * graphile-worker's retryable codes (src/lib.ts) and Postgres' error classes (appendix A).
 */

/** Node socket errors: the connection was refused, reset or timed out. */
const TRANSIENT_SYSTEM_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** Postgres SQLSTATEs outside class 08 that are transient. */
const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "53300", // too_many_connections
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, in recovery)
  "57P05", // idle_session_timeout
  "57014", // query_canceled (statement_timeout)
  "55P03", // lock_not_available (lock_timeout)
]);

/**
 * node-postgres reports a dropped connection or a pool timeout with a message and no code.
 * (Matched only when no code says otherwise.)
 */
const TRANSIENT_MESSAGES =
  /connection terminated|terminating connection|connection (?:is )?closed|connection error|not queryable|timeout exceeded when trying to connect|connection timeout|server closed the connection|socket hang up/i;

const MAX_DEPTH = 5;

/** True when retrying the same write later may succeed. Looks through `cause` chains (drizzle wraps pg errors) and AggregateErrors. */
export function isTransientDbError(error: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (TRANSIENT_SYSTEM_CODES.has(code) || TRANSIENT_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    // A SQLSTATE is the server's verdict on this statement: trust it over anything wrapped around it.
    if (/^[0-9A-Z]{5}$/.test(code)) return false;
  }
  if (error instanceof AggregateError && error.errors.some((inner) => isTransientDbError(inner, depth + 1))) return true;
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined && cause !== error) return isTransientDbError(cause, depth + 1);
  return error instanceof Error && TRANSIENT_MESSAGES.test(error.message);
}

/**
 * The database's own words for a failure, e.g. "permission denied for table attempts (SQLSTATE
 * 42501)": the innermost cause, not drizzle's wrapper, whose message repeats the statement and its
 * parameters (answers included), which have no place in a log line or a job's failed reason.
 */
export function dbErrorReason(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null || cause === current) break;
    current = cause;
  }
  if (!(current instanceof Error)) return String(current);
  const code = (current as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? `${current.message} (SQLSTATE ${code})` : current.message;
}
