/**
 * Turns what node-postgres, PGlite and drizzle throw into one line a user can act on: the cause
 * first (connection refused, database does not exist, authentication failed, permission denied),
 * and the failed statement only when asked for (LOG_LEVEL=debug) — drizzle's own message is the
 * SQL and its parameters, which hides the cause and may carry job data. Pure.
 */

export interface DescribeDbErrorOptions {
  /** Append the failed statement and its parameters. Default false. */
  debug?: boolean;
}

/** Longest parameter list shown at debug level, in characters. */
const PARAMS_CHARS = 2_000;

interface FailedQuery {
  query: string;
  params: unknown[];
}

/** A Postgres SQLSTATE or a Node system error code, with the server's or system's message. */
interface Coded {
  code: string;
  message: string;
  address?: string;
  port?: number;
  hostname?: string;
}

/** Returns undefined when `error` did not come from the database driver. */
export function describeDbError(error: unknown, options: DescribeDbErrorOptions = {}): string | undefined {
  const failed = findFailedQuery(error);
  // A bare network error may be Redis's as well as Postgres's: it is ours only inside a failed query.
  const coded = findCoded(error, failed !== undefined);
  if (!failed && !coded) return undefined;
  const cause = coded ? explain(coded) : rootMessage(error);
  let text = `database error: ${cause}`;
  if (failed) {
    text += options.debug
      ? `\n  statement: ${failed.query.replace(/\s+/g, " ").trim()}\n  parameters: ${clip(safeJson(failed.params))}`
      : " (LOG_LEVEL=debug shows the statement)";
  }
  return text;
}

function explain(coded: Coded): string {
  const where = coded.address ? ` at ${coded.address}${coded.port ? `:${coded.port}` : ""}` : "";
  switch (coded.code) {
    case "ECONNREFUSED":
      return `connection refused${where}: is Postgres running there? Check DATABASE_URL`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host not found${coded.hostname ? `: ${coded.hostname}` : ""}: check the host in DATABASE_URL`;
    case "ETIMEDOUT":
      return `connection timed out${where}: check DATABASE_URL and the network`;
    case "ECONNRESET":
      return `connection reset by the server${where}`;
    case "3D000":
      return `database does not exist (${coded.message}): create it (createdb) or fix the name in DATABASE_URL`;
    case "28P01":
    case "28000":
      return `authentication failed (${coded.message}): check the user and password in DATABASE_URL`;
    case "42501":
      return `permission denied (${coded.message}): grant the DATABASE_URL user access, or use the owner`;
    case "42P01":
      return `${coded.message}: the schema is missing or old; run \`llm-router migrate\``;
    case "53300":
      return `too many connections (${coded.message}): lower the pool size or raise max_connections`;
    case "57P01":
    case "57P02":
    case "57P03":
      return `the server is shutting down or starting up (${coded.message})`;
    default:
      return /^[0-9A-Z]{5}$/.test(coded.code) ? `${coded.message} (SQLSTATE ${coded.code})` : `${coded.message} (${coded.code})`;
  }
}

/** Walks `cause` chains and AggregateError lists (localhost refused on ::1 and 127.0.0.1 both). */
function* chain(error: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === null || typeof next !== "object" || seen.has(next)) continue;
    seen.add(next);
    const record = next as Record<string, unknown>;
    yield record;
    if (Array.isArray(record.errors)) queue.push(...(record.errors as unknown[]));
    queue.push(record.cause);
  }
}

function findFailedQuery(error: unknown): FailedQuery | undefined {
  for (const link of chain(error)) {
    if (typeof link.query === "string" && Array.isArray(link.params)) return { query: link.query, params: link.params };
  }
  return undefined;
}

/** pg's DatabaseError (and PGlite's) carry the server's severity beside the SQLSTATE. */
const isServerError = (link: Record<string, unknown>): boolean =>
  typeof link.severity === "string" && typeof link.code === "string" && /^[0-9A-Z]{5}$/.test(link.code);

function findCoded(error: unknown, inQuery: boolean): Coded | undefined {
  for (const link of chain(error)) {
    if (!inQuery && !isServerError(link)) continue;
    if (typeof link.code === "string" && typeof link.message === "string" && link.message !== "") {
      return {
        code: link.code,
        message: link.message,
        address: typeof link.address === "string" ? link.address : undefined,
        port: typeof link.port === "number" ? link.port : undefined,
        hostname: typeof link.hostname === "string" ? link.hostname : undefined,
      };
    }
  }
  return undefined;
}

/** No code anywhere (a PGlite failure, say): the innermost message, which is the cause, not the SQL. */
function rootMessage(error: unknown): string {
  let message = String(error);
  for (const link of chain(error)) {
    if (typeof link.message === "string" && link.message !== "" && !link.message.startsWith("Failed query:")) message = link.message;
  }
  return message;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
  } catch {
    return String(value);
  }
}

const clip = (text: string): string => (text.length > PARAMS_CHARS ? `${text.slice(0, PARAMS_CHARS - 1)}…` : text);
