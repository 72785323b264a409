import type { Command } from "commander";
import { startWorker } from "../../runtime/start-worker.js";
import { withRuntime } from "../with-runtime.js";

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("run pipeline stages; serves /healthz, /readyz and /metrics on PORT (default 9464)")
    .option("--stages <list>", "comma-separated stages: intake and tier names (default: all)")
    .option("--config <file>", "tiers YAML (default: LLM_ROUTER_CONFIG or config/tiers.yaml)")
    .action((options: { stages?: string; config?: string }) =>
      withRuntime({ configPath: options.config, defaultLogLevel: "info", redisWaitMs: "forever" }, async (runtime) => {
        const stages = options.stages
          ?.split(",")
          .map((stage) => stage.trim())
          .filter(Boolean);
        const worker = await startWorker(runtime, { stages, healthPort: runtime.env.PORT, watchConfigPath: runtime.configPath });
        // SIGHUP reloads the tiers file, as daemons do; a ConfigMap update is seen by the file watcher.
        process.on("SIGHUP", () => void worker.reloadConfig("SIGHUP"));
        process.stderr.write(`worker running stages ${worker.stages.join(", ")}; health on :${worker.health?.port}\n`);
        await waitForShutdownSignal(runtime.env.SHUTDOWN_TIMEOUT_MS, runtime.logger, () => worker.stop());
      }),
    );
}

/**
 * First SIGTERM/SIGINT: stop taking jobs and drain for up to `timeoutMs`. A second signal, or the
 * timeout, exits at once: the jobs still running are picked up again by another worker (stalled-job recovery).
 */
function waitForShutdownSignal(
  timeoutMs: number,
  logger: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void },
  drain: () => Promise<void>,
): Promise<void> {
  return new Promise((resolve) => {
    let draining = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (draining) {
        logger.warn({ signal }, "second signal: exiting now");
        process.exit(130);
      }
      draining = true;
      logger.info({ signal, timeoutMs }, "draining: no new jobs, waiting for running ones");
      const timer = setTimeout(() => {
        logger.warn({ timeoutMs }, "drain timed out: exiting with jobs still running");
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      drain()
        .catch((error: unknown) => logger.warn({ error: String(error) }, "drain failed"))
        .finally(() => {
          clearTimeout(timer);
          resolve();
        });
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}
