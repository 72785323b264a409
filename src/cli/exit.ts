import { debugRequested } from "../config/env.js";
import { EXIT_CODES, RouterError, type ErrorKind } from "../errors/router-error.js";

/** Exit codes, documented in the README; the error kinds' codes are in EXIT_CODES. */
export const EXIT = { ok: 0, error: 1, usage: EXIT_CODES.usage, partial: 3 } as const;

/** Node's system errors that a user can fix (a path, a service down) rather than a bug of ours. */
const SYSTEM_ERROR_KINDS: Readonly<Record<string, ErrorKind>> = {
  ENOENT: "input",
  EACCES: "input",
  EPERM: "input",
  EISDIR: "input",
  ENOTDIR: "input",
  EEXIST: "input",
  EADDRINUSE: "usage",
  ECONNREFUSED: "unavailable",
  ECONNRESET: "unavailable",
  ETIMEDOUT: "unavailable",
  ENOTFOUND: "unavailable",
  EAI_AGAIN: "unavailable",
  EHOSTUNREACH: "unavailable",
};

/** What kind of known failure `error` is; undefined for an internal error (a bug). */
export function knownKindOf(error: unknown): ErrorKind | undefined {
  if (error instanceof RouterError) return error.kind;
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === "string" && SYSTEM_ERROR_KINDS[code]) return SYSTEM_ERROR_KINDS[code];
  // A refused connection to every address of a host (pg, ioredis) arrives as an AggregateError.
  if (error instanceof AggregateError) return error.errors.map(knownKindOf).find((kind) => kind !== undefined);
  return undefined;
}

/**
 * The one rendering of a failed command (pure): a known error is one line, `error: …`; anything
 * else is `internal error: …`, a bug to report. With `debug` (LOG_LEVEL=debug) both carry the stack.
 */
export function describeFailure(error: unknown, debug: boolean): { code: number; text: string } {
  const kind = knownKindOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : "";
  if (kind !== undefined) return { code: EXIT_CODES[kind], text: `error: ${message}${stack}\n` };
  const hint = debug ? "" : " (LOG_LEVEL=debug shows the stack)";
  return { code: EXIT.error, text: `internal error: ${message}${hint}${stack}\n` };
}

/**
 * Every command ends here: runs `body`, sets the exit code it returns (default 0), or writes the
 * failure (describeFailure) to stderr and sets its code. Never throws.
 */
export async function runCommand(body: () => Promise<number | void>): Promise<void> {
  try {
    process.exitCode = (await body()) ?? EXIT.ok;
  } catch (error) {
    const failure = describeFailure(error, debugRequested());
    process.stderr.write(failure.text);
    process.exitCode = failure.code;
  }
}
