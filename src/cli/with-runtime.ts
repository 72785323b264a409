import { debugRequested, parseEnv } from "../config/env.js";
import { RouterError } from "../errors/router-error.js";
import { describeDbError } from "../ledger/db/describe-db-error.js";
import { createRuntime, type Runtime, type RuntimeOptions } from "../runtime/runtime.js";
import { runCommand } from "./exit.js";

export { EXIT } from "./exit.js";

/**
 * Runs a command with a runtime and closes it whatever happens; failures go through the one exit
 * path (runCommand: one line for a known error, the stack with LOG_LEVEL=debug).
 */
export function withRuntime(options: RuntimeOptions, body: (runtime: Runtime) => Promise<number | void>): Promise<void> {
  return runCommand(async () => {
    let runtime: Runtime | undefined;
    try {
      runtime = createRuntime(parseEnv(), { defaultLogLevel: "warn", ...options });
      return await body(runtime);
    } catch (error) {
      // The cause first: Redis not answering, or what Postgres said (the statement only at debug).
      const redis = runtime?.redisFailure();
      if (redis) throw new RouterError("unavailable", redis.message, { cause: error });
      const database = describeDbError(error, { debug: debugRequested() });
      if (database !== undefined) throw new RouterError("ledger", database, { cause: error });
      throw error;
    } finally {
      await runtime?.close();
    }
  });
}
