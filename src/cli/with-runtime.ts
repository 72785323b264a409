import { parseEnv } from "../config/env.js";
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
    } finally {
      await runtime?.close();
    }
  });
}
