import { spawn, type ChildProcess } from "node:child_process";
import { writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import type { RouterConfig } from "../src/config/router-config-schema.js";

/** The compiled CLI (what an image runs), built by `npm run bench` first. */
const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

export interface BenchProcess {
  child: ChildProcess;
  /** First capture group of the first line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
  stop(): Promise<void>;
}

/** A long-running `llm-router` command for a bench (worker, fake-llm), with its output watched. */
export function startProcess(args: string[], env: NodeJS.ProcessEnv): BenchProcess {
  // BENCH_CPU_PROF=DIR: every bench process writes a V8 CPU profile there when it exits (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
  const child = spawn(process.execPath, [...profile, CLI, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const waiters: (() => void)[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 1_000_000) output = output.slice(-100_000);
    // BENCH_WORKER_LOG=1 shows what the bench's processes say (warnings and errors), for a slow run's cause.
    if (process.env.BENCH_WORKER_LOG) process.stderr.write(chunk);
    waiters.forEach((waiter) => waiter());
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  return {
    child,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) resolve(match[1] ?? match[0]);
          else if (child.exitCode !== null) reject(new Error(`llm-router ${args.join(" ")} exited: ${output.slice(-2000)}`));
        };
        waiters.push(check);
        check();
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export async function writeBenchConfig(config: RouterConfig): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "llm-router-bench-"));
  const path = join(dir, "tiers.yaml");
  await writeFile(path, stringify(config));
  return path;
}

export async function writeScenario(scenario: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "llm-router-bench-"));
  const path = join(dir, "scenario.json");
  await writeFile(path, JSON.stringify(scenario));
  return path;
}

/** Reads one gauge from a worker's /metrics page. */
export async function scrapeGauge(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : Number.NaN;
}

/** The environment of a bench worker: its database, Redis prefix, tiers file and the fake provider. */
export function workerEnv(options: {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  configPath: string;
  fakeUrl: string;
}): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: options.prefix,
    LLM_ROUTER_CONFIG: options.configPath,
    OPENAI_BASE_URL: `${options.fakeUrl}/v1`,
    ANTHROPIC_BASE_URL: options.fakeUrl,
    OPENAI_API_KEY: "",
    ANTHROPIC_API_KEY: "",
    PORT: "0",
    LOG_LEVEL: "warn",
    LOG_FORMAT: "json",
  };
}
