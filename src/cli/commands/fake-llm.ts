import type { Command } from "commander";
import { loadScenarioFile, startFakeLlm } from "../../fake-llm/index.js";
import { runCommand } from "../exit.js";
import { UsageError } from "../../errors/router-error.js";

export function registerFakeLlm(program: Command): void {
  program
    .command("fake-llm")
    .description("run the simulated provider (OpenAI /v1/chat/completions and Anthropic /v1/messages; GET /stats)")
    .option("--port <n>", "port to listen on (0 = any free port)", "8080")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("--scenario <file>", "scenario JSON: per-model latency, error rates, invalid answers (default: no faults)")
    .action((flags: { port: string; host: string; scenario?: string }) =>
      runCommand(async () => {
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port "${flags.port}" is not a port number`);
        const scenario = flags.scenario ? await loadScenarioFile(flags.scenario) : undefined;
        const server = await startFakeLlm({ port, host: flags.host, scenario });
        process.stdout.write(
          `fake-llm listening on ${server.url}\n  OPENAI_BASE_URL=${server.url}/v1\n  ANTHROPIC_BASE_URL=${server.url}\n`,
        );
        const stop = () => void server.close().then(() => process.exit(0));
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      }),
    );
}
