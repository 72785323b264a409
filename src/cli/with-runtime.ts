import { parseEnv } from "../config/env.js";
import { describeDbError } from "../ledger/db/describe-db-error.js";
import { ReportError } from "../report/query/report-error.js";
import { createRuntime, type Runtime, type RuntimeOptions } from "../runtime/runtime.js";

/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, error: 1, usage: 2, partial: 3 } as const;

/**
 * Runs a command with a runtime, closes it whatever happens, and turns an error into one clear
 * line on stderr and exit code 1 (a stack trace only with LOG_LEVEL=debug).
 */
export async function withRuntime(options: RuntimeOptions, body: (runtime: Runtime) => Promise<number | void>): Promise<void> {
  let runtime: Runtime | undefined;
  try {
    runtime = createRuntime(parseEnv(), { defaultLogLevel: "warn", ...options });
    const code = await body(runtime);
    process.exitCode = code ?? EXIT.ok;
  } catch (error) {
    const debug = runtime !== undefined && ["debug", "trace"].includes(runtime.env.LOG_LEVEL ?? "");
    const text =
      runtime?.redisFailure()?.message ??
      describeDbError(error, { debug }) ??
      (debug && error instanceof Error ? error.stack : ((error as Error).message ?? String(error)));
    process.stderr.write(`error: ${text}\n`);
    // A report asked for wrongly (bad window, unknown batch or dimension) is a usage error.
    process.exitCode = error instanceof ReportError ? EXIT.usage : EXIT.error;
  } finally {
    await runtime?.close();
  }
}
