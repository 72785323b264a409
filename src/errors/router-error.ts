/**
 * The one error base of the router (the bottom of the tree: any folder may import it). A
 * RouterError is a failure we foresaw and can explain in one line; its kind says what the user
 * should look at and which exit code the CLI ends with. Anything else that reaches the CLI is an
 * internal error (a bug), reported with its stack under LOG_LEVEL=debug.
 */
export type ErrorKind =
  /** The command line is wrong: an unknown option, a missing argument, a flag value out of range. */
  | "usage"
  /** The environment, the tiers file, a price list or a model file referenced by it. */
  | "config"
  /** A file or dataset given to a command cannot be read or parsed. */
  | "input"
  /** Something named on the command line does not exist (a batch id). */
  | "not_found"
  /** A service the command needs does not answer (Redis, Postgres). */
  | "unavailable"
  /** A provider call failed (see ProviderError). */
  | "provider"
  /** Postgres refused a ledger write for a reason that retrying cannot fix. */
  | "ledger";

/**
 * Exit codes by kind, documented in the README. Only usage differs from the general 1: scripts that
 * test for a non-zero status, or for 1, keep working as before.
 */
export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = {
  usage: 2,
  config: 1,
  input: 1,
  not_found: 1,
  unavailable: 1,
  provider: 1,
  ledger: 1,
};

export class RouterError extends Error {
  override name = "RouterError";
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

/** A wrong command line: exit code 2. */
export class UsageError extends RouterError {
  override name = "UsageError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("usage", message, options);
  }
}

export const isRouterError = (error: unknown): error is RouterError => error instanceof RouterError;
