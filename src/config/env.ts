import { z } from "zod";
import { RouterError } from "../errors/router-error.js";

/**
 * The process environment, parsed once at start-up. Nothing else in the code reads process.env:
 * a typo'd variable is reported here, with its name, instead of surfacing as a wrong default later.
 */
/** parseEnv drops blank values first, so an optional variable is either absent or has text. */
const optionalString = z.string().trim().optional();

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const envSchema = z.object({
  /** Default redis://127.0.0.1:6379. */
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  /**
   * How long a command other than `worker` waits for an unreachable Redis before it fails, naming
   * the URL. Workers keep retrying (and log it; /readyz reports redis false). Default 10000.
   */
  REDIS_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Unset: embedded PGlite under PGLITE_DIR (one process only). */
  DATABASE_URL: optionalString,
  /** Where the embedded PGlite keeps its data. Default ./.llm-router/pgdata. */
  PGLITE_DIR: z.string().default("./.llm-router/pgdata"),
  /** The tiers YAML. Default: config/tiers.yaml shipped with the package. */
  LLM_ROUTER_CONFIG: optionalString,
  /** Namespaces every queue key, so several deployments (or tests) can share one Redis. Default llm-router. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/)
    .default("llm-router"),
  OPENAI_API_KEY: optionalString,
  ANTHROPIC_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.pipe(z.string().url().optional()),
  ANTHROPIC_BASE_URL: optionalString.pipe(z.string().url().optional()),
  /** Default: info for `worker`, warn for the other commands (their output is the result). */
  LOG_LEVEL: z.enum(logLevels).optional(),
  /** `json` (one object a line) or `pretty` (for people). Default: pretty when stderr is a terminal, else json. */
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  /** Health and metrics port of `worker`. Default 9464. */
  PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /**
   * How long a worker's hold on a job lasts without renewal; a worker that dies (kill -9, OOM) loses
   * its jobs to another worker after about this long. Default 30000.
   */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** How often workers look for jobs whose worker died. Default 30000. */
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(1_000).default(30_000),
  /**
   * `on`: an answered tier job hands its rows to the ledger committer and frees its provider slot
   * before they are committed (guards/ledger-committer.ts); `off`: every job waits for its own
   * commit, as before (committers still drain earlier hand-offs). Default on.
   */
  LEDGER_HANDOFF: z.enum(["on", "off"]).default("on"),
  /**
   * How the provider SDKs make real-time calls: `pooled`, undici's request on a keep-alive pool
   * (providers/pooled-fetch.ts: less than half the client CPU a call); `fetch`, the SDKs' default (the
   * global fetch). Default pooled.
   */
  PROVIDER_HTTP: z.enum(["pooled", "fetch"]).default("pooled"),
  /**
   * Required by `dashboard --host` off loopback, and by the worker to serve /dashboard on PORT
   * (which listens on every interface); compared in constant time. Default: unset (no dashboard in
   * the worker; `dashboard` on 127.0.0.1 open without a token).
   */
  DASHBOARD_TOKEN: optionalString.pipe(z.string().min(16, { message: "must be at least 16 characters" }).optional()),
  /**
   * Fault injection for the crash tests of the batch lane (docs/batch-lane.md): the worker kills
   * itself (SIGKILL) right after uploading an OpenAI batch file, before creating the batch
   * (`after-upload`), or half way through ingesting a batch's results (`mid-ingest`). Default: unset.
   */
  BATCH_LANE_CRASH_AT: z.enum(["after-upload", "mid-ingest"]).optional(),
  /** How long SIGTERM waits for in-flight jobs before giving up on them. Default 30000. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends RouterError {
  override name = "EnvError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("config", message, options);
  }
}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // `FOO=` in a shell or a manifest means "not set", not "set to nothing".
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new EnvError(`invalid environment: ${problems}`);
  }
  return parsed.data;
}

/**
 * Whether LOG_LEVEL asks for debug output, read without validating the rest of the environment:
 * the CLI's exit path needs it even when the environment itself is what failed.
 */
export function debugRequested(source: NodeJS.ProcessEnv = process.env): boolean {
  return ["debug", "trace"].includes(source.LOG_LEVEL?.trim() ?? "");
}
