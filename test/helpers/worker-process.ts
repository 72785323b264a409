import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { startCli, type LongRunningCli } from "./cli-process.js";
import { writeConfigFile } from "./config-file.js";
import type { TestPipeline } from "./pipeline.js";
import { TEST_REDIS_URL } from "./redis.js";

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
  const worker = startCli(["worker", "--stages", options.stages], {
    DATABASE_URL: pipeline.testDb.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: pipeline.prefix,
    LLM_ROUTER_CONFIG: configPath,
    OPENAI_BASE_URL: `${pipeline.fake.url}/v1`,
    ANTHROPIC_BASE_URL: pipeline.fake.url,
    OPENAI_API_KEY: "",
    ANTHROPIC_API_KEY: "",
    PORT: "0",
    LOG_LEVEL: "warn",
    ...options.env,
  });
  const port = Number((await worker.waitForOutput(/health on :(\d+)/))[1]);
  return Object.assign(worker, { healthPort: port });
}
