import type { Command } from "commander";
import { parseEnv } from "../../config/env.js";
import { runDemo } from "../demo/run-demo.js";
import { runCommand } from "../exit.js";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("run the whole pipeline in one process on the example jobs and print the cost report")
    .option("--jobs <file>", "jobs file (default: examples/jobs.jsonl)")
    .option("--scenario <file>", "fake provider scenario (default: examples/demo-scenario.json)")
    .option("--live", "call the real providers with OPENAI_API_KEY / ANTHROPIC_API_KEY (costs money)")
    .action((flags: { jobs?: string; scenario?: string; live?: boolean }) =>
      runCommand(() => runDemo(parseEnv(), { jobsFile: flags.jobs, scenarioFile: flags.scenario, live: flags.live })),
    );
}
