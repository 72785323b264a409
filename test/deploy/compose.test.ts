import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { envSchema, parseEnv } from "../../src/config/env.js";
import { CLI } from "../helpers/cli-process.js";
import { REPO } from "../helpers/deploy/kustomize.js";

/**
 * No Docker engine runs here, so `docker compose up` cannot be tried: these checks pin what would
 * make it fail or misbehave — a missing dependency or condition, a command the image does not have,
 * an unknown variable, a build context without the Dockerfile, Redis without AOF.
 */
const run = promisify(execFile);

/** The contract in shared/design.md: subcommands the CLI must have. */
const SUBCOMMANDS = ["migrate", "worker", "enqueue", "batch", "report", "fake-llm", "demo"];
const ROUTER_SERVICES = ["migrate", "fake-llm", "worker", "enqueue"];

type Service = Record<string, any>;

const compose = parseYaml(readFileSync(join(REPO, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;

/** `${NAME:-default}` and `${NAME}` as compose interpolates them with nothing set in the shell. */
const interpolate = (value: unknown) => String(value).replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_match, _name, fallback = "") => fallback);

const dependsOn = (service: Service): Record<string, { condition: string }> => service.depends_on ?? {};

/** `--help` of a subcommand, or of the CLI itself. */
async function help(...command: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...command, "--help"], { cwd: REPO, timeout: 120_000 });
  return stdout;
}

describe("docker-compose.yml", () => {
  let helps: Record<string, string>;

  beforeAll(async () => {
    // Only commands given options need their own --help (each is a process start through tsx).
    const withOptions = ROUTER_SERVICES.filter((name) => (services[name]!.command as string[]).some((arg) => arg.startsWith("--")));
    const commands = [...new Set(withOptions.map((name) => services[name]!.command[0] as string))];
    const texts = await Promise.all([help(), ...commands.map((command) => help(command))]);
    helps = Object.fromEntries([["", texts[0]!], ...commands.map((command, index) => [command, texts[index + 1]!])]);
  }, 150_000);

  it("has Redis, Postgres, the migration, the fake provider, a worker and the enqueue profile", () => {
    expect(Object.keys(services).sort()).toEqual(["enqueue", "fake-llm", "migrate", "postgres", "redis", "worker"]);
    expect(services.enqueue!.profiles).toEqual(["enqueue"]);
    for (const name of Object.keys(services).filter((candidate) => candidate !== "enqueue")) {
      expect(services[name]!.profiles, `${name} starts with a plain \`docker compose up\``).toBeUndefined();
    }
  });

  it("keeps Redis's queue on disk with AOF, in a named volume", () => {
    const redis = services.redis!;
    const command: string[] = redis.command;
    expect(command[0]).toBe("redis-server");
    expect(command[command.indexOf("--appendonly") + 1]).toBe("yes");
    expect(redis.volumes).toContainEqual(expect.stringMatching(/^redis-data:\/data$/));
    expect(Object.keys(compose.volumes ?? {})).toContain("redis-data");
  });

  it("gives every service that others wait on as healthy a healthcheck", () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, { condition }] of Object.entries(dependsOn(service))) {
        expect(Object.keys(services), `${name} depends on ${target}`).toContain(target);
        expect(["service_started", "service_healthy", "service_completed_successfully"]).toContain(condition);
        if (condition === "service_healthy") expect(services[target]!.healthcheck?.test, `${target} healthcheck`).toBeDefined();
        if (condition === "service_completed_successfully") expect(services[target]!.restart, `${target} runs once`).toBe("no");
      }
    }
    expect(services.worker!.healthcheck?.test.join(" ")).toContain("/readyz");
  });

  it("runs the migration once, after Postgres is up, and starts the worker and enqueue only after it succeeded", () => {
    expect(services.migrate!.command).toEqual(["migrate"]);
    expect(dependsOn(services.migrate!).postgres?.condition).toBe("service_healthy");
    for (const name of ["worker", "enqueue"]) {
      expect(dependsOn(services[name]!).migrate?.condition, name).toBe("service_completed_successfully");
      expect(dependsOn(services[name]!).redis?.condition, name).toBe("service_healthy");
    }
    expect(dependsOn(services.worker!).postgres?.condition).toBe("service_healthy");
    expect(dependsOn(services.worker!)["fake-llm"]?.condition).toBe("service_healthy");
  });

  it("runs real `llm-router` subcommands with options they accept, on files the image has", () => {
    const listed = [...helps[""]!.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((match) => match[1]).filter((name) => name !== "help");
    expect(listed, "the subcommands shared/design.md promises (more are welcome)").toEqual(expect.arrayContaining(SUBCOMMANDS));
    for (const name of ROUTER_SERVICES) {
      const [command, ...args] = services[name]!.command as string[];
      expect(listed, name).toContain(command);
      for (const option of args.filter((arg) => arg.startsWith("--"))) {
        expect(helps[command!], `${name}: ${command} ${option}`).toMatch(new RegExp(`(^|[\\s,])${option}(?=[\\s,]|$)`, "m"));
      }
      for (const file of args.filter((arg) => /^examples\//.test(arg))) {
        expect(existsSync(join(REPO, file)), `${name}: ${file}`).toBe(true);
      }
    }
  });

  it("builds every router service from a context that has the Dockerfile, as one image", () => {
    for (const name of ROUTER_SERVICES) {
      const build = services[name]!.build;
      const context = typeof build === "string" ? build : build?.context;
      const dockerfile = (typeof build === "object" && build.dockerfile) || "Dockerfile";
      expect(context, `${name} build context`).toBeDefined();
      expect(existsSync(join(REPO, context, dockerfile)), `${name}: ${context}/${dockerfile}`).toBe(true);
      expect(services[name]!.image, name).toBe(services.worker!.image);
    }
  });

  it("sets only variables the router knows, and they parse; the URLs point at the compose services", () => {
    const known = new Set(Object.keys(envSchema.shape));
    for (const name of ROUTER_SERVICES) {
      const env = Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([key, value]) => [key, interpolate(value)]));
      expect(Object.keys(env).filter((key) => !known.has(key)), `${name}: unknown variables`).toEqual([]);
      expect(() => parseEnv(env), name).not.toThrow();
    }
    const worker = parseEnv(Object.fromEntries(Object.entries(services.worker!.environment).map(([key, value]) => [key, interpolate(value)])));
    const postgres = services.postgres!.environment;
    expect(worker.DATABASE_URL).toBe(`postgres://${postgres.POSTGRES_USER}:${postgres.POSTGRES_PASSWORD}@postgres:5432/${postgres.POSTGRES_DB}`);
    expect(new URL(worker.REDIS_URL).hostname).toBe("redis");
    const fakeArgs: string[] = services["fake-llm"]!.command;
    const fakePort = fakeArgs[fakeArgs.indexOf("--port") + 1];
    expect(worker.OPENAI_BASE_URL).toBe(`http://fake-llm:${fakePort}/v1`);
    expect(worker.ANTHROPIC_BASE_URL).toBe(`http://fake-llm:${fakePort}`);
    expect(fakeArgs[fakeArgs.indexOf("--host") + 1], "reachable from other containers").toBe("0.0.0.0");
  });

  it("stops the worker gracefully: Docker waits longer than the drain before SIGKILL", () => {
    const worker = services.worker!;
    const drainMs = parseEnv({ SHUTDOWN_TIMEOUT_MS: interpolate(worker.environment.SHUTDOWN_TIMEOUT_MS) }).SHUTDOWN_TIMEOUT_MS;
    const grace = /^(\d+)s$/.exec(worker.stop_grace_period);
    expect(grace, "stop_grace_period in seconds").not.toBeNull();
    expect(Number(grace![1]) * 1000).toBeGreaterThan(drainMs);
    const port = String(parseEnv({}).PORT);
    expect(worker.ports).toContainEqual(expect.stringMatching(new RegExp(`:${port}$`)));
  });
});
