import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { startCli, type LongRunningCli } from "./cli-process.js";
import { writeConfigFile } from "./config-file.js";
import type { TestPipeline } from "./pipeline.js";
import { pipelineEnv } from "./chaos-workers.js";

export interface WorkerProcess extends LongRunningCli {
  healthPort: number;
}

/**
 * A real `llm-router worker` process wired to a test pipeline's database, Redis prefix and fake
 * provider. `env` overrides any of it (e.g. a DATABASE_URL through a TCP proxy).
 */
export async function startWorkerProcess(
  pipeline: TestPipeline,
  options: { stages: string; config?: RouterConfig; env?: NodeJS.ProcessEnv },
): Promise<WorkerProcess> {
  const configPath = await writeConfigFile(options.config ?? pipeline.config);
  const worker = startCli(["worker", "--stages", options.stages], pipelineEnv(pipeline, configPath, options.env));
  const port = Number((await worker.waitForOutput(/health on :(\d+)/))[1]);
  return Object.assign(worker, { healthPort: port });
}
