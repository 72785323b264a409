import { startCli, type LongRunningCli } from "./cli-process.js";
import type { TestPipeline } from "./pipeline.js";
import { TEST_REDIS_URL } from "./redis.js";

/** The environment of an `llm-router` process that joins a test pipeline: its database, prefix and fake provider. */
export function pipelineEnv(pipeline: TestPipeline, configPath: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
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
    LOG_FORMAT: "json",
    ...extra,
  };
}

/** Starts a `worker` process and waits until it serves health (it has started its stages). */
export async function startWorkerProcess(stages: string[], env: NodeJS.ProcessEnv): Promise<{ worker: LongRunningCli; port: number }> {
  const worker = startCli(["worker", "--stages", stages.join(",")], env);
  const port = Number((await worker.waitForOutput(/health on :(\d+)/, 60_000))[1]);
  return { worker, port };
}
