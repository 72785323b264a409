import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../../../src/config/env.js";

const DEFAULTS = {
  REDIS_URL: "redis://127.0.0.1:6379",
  REDIS_CONNECT_TIMEOUT_MS: 10_000,
  DATABASE_URL: undefined,
  PGLITE_DIR: "./.llm-router/pgdata",
  LLM_ROUTER_CONFIG: undefined,
  QUEUE_PREFIX: "llm-router",
  OPENAI_API_KEY: undefined,
  ANTHROPIC_API_KEY: undefined,
  OPENAI_BASE_URL: undefined,
  ANTHROPIC_BASE_URL: undefined,
  /** No default here: each command picks its own (info for worker, warn for the others). */
  LOG_LEVEL: undefined,
  PORT: 9464,
  WORKER_LOCK_DURATION_MS: 30_000,
  WORKER_STALLED_INTERVAL_MS: 30_000,
  LEDGER_HANDOFF: "on",
  PROVIDER_HTTP: "pooled",
  SHUTDOWN_TIMEOUT_MS: 30_000,
};

function envError(source: NodeJS.ProcessEnv): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return error as EnvError;
  }
  throw new Error("parseEnv accepted the environment");
}

describe("parseEnv", () => {
  it("applies every default to an empty environment", () => {
    expect(parseEnv({})).toEqual(DEFAULTS);
  });

  it("ignores variables it does not know", () => {
    expect(parseEnv({ HOME: "/root", PATH: "/usr/bin" })).toEqual(DEFAULTS);
  });

  it("reads every variable", () => {
    expect(
      parseEnv({
        REDIS_URL: "redis://cache:6380/2",
        REDIS_CONNECT_TIMEOUT_MS: "2500",
        DATABASE_URL: "postgres://u:p@db/router",
        PGLITE_DIR: "/var/lib/pg",
        LLM_ROUTER_CONFIG: "/etc/tiers.yaml",
        QUEUE_PREFIX: "staging.v2",
        OPENAI_API_KEY: "sk-o",
        ANTHROPIC_API_KEY: "sk-a",
        OPENAI_BASE_URL: "http://127.0.0.1:8080/v1",
        ANTHROPIC_BASE_URL: "http://127.0.0.1:8080",
        LOG_LEVEL: "debug",
        PORT: "0",
        SHUTDOWN_TIMEOUT_MS: "5000",
        WORKER_LOCK_DURATION_MS: "2000",
        WORKER_STALLED_INTERVAL_MS: "1000",
        LEDGER_HANDOFF: "off",
        PROVIDER_HTTP: "fetch",
        LOG_FORMAT: "json",
      }),
    ).toEqual({
      REDIS_URL: "redis://cache:6380/2",
      REDIS_CONNECT_TIMEOUT_MS: 2500,
      DATABASE_URL: "postgres://u:p@db/router",
      PGLITE_DIR: "/var/lib/pg",
      LLM_ROUTER_CONFIG: "/etc/tiers.yaml",
      QUEUE_PREFIX: "staging.v2",
      OPENAI_API_KEY: "sk-o",
      ANTHROPIC_API_KEY: "sk-a",
      OPENAI_BASE_URL: "http://127.0.0.1:8080/v1",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:8080",
      LOG_LEVEL: "debug",
      PORT: 0,
      SHUTDOWN_TIMEOUT_MS: 5000,
      WORKER_LOCK_DURATION_MS: 2000,
      WORKER_STALLED_INTERVAL_MS: 1000,
      LEDGER_HANDOFF: "off",
      PROVIDER_HTTP: "fetch",
      LOG_FORMAT: "json",
    });
  });

  it("coerces PORT to a number", () => {
    expect(parseEnv({ PORT: "8080" }).PORT).toBe(8080);
    expect(parseEnv({ PORT: " 9000 " }).PORT).toBe(9000);
  });

  it.each([
    ["abc", "PORT: "],
    ["70000", "PORT: Too big"],
    ["-1", "PORT: Too small"],
    ["80.5", "PORT: "],
  ])("rejects PORT=%j naming the variable", (value, message) => {
    const error = envError({ PORT: value });
    expect(error.name).toBe("EnvError");
    expect(error.message.startsWith(`invalid environment: ${message}`)).toBe(true);
  });

  it("rejects a bad LOG_LEVEL with the variable's name and the choices", () => {
    expect(envError({ LOG_LEVEL: "loud" }).message).toBe(
      'invalid environment: LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
    );
  });

  it("reports every bad variable at once", () => {
    const message = envError({ LOG_LEVEL: "loud", REDIS_URL: "not a url", QUEUE_PREFIX: "a b" }).message;
    expect(message).toMatch(/^invalid environment: /);
    expect(message).toContain("REDIS_URL: ");
    expect(message).toContain("QUEUE_PREFIX: ");
    expect(message).toContain("LOG_LEVEL: ");
  });

  it("rejects a base URL that is not a URL", () => {
    expect(envError({ OPENAI_BASE_URL: "not a url" }).message).toMatch(/^invalid environment: OPENAI_BASE_URL: /);
  });

  it("trims optional strings and treats whitespace-only as unset", () => {
    const env = parseEnv({ OPENAI_API_KEY: "  sk-x \n", ANTHROPIC_API_KEY: "   " });
    expect(env.OPENAI_API_KEY).toBe("sk-x");
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
  });

  it("treats empty optional strings as unset", () => {
    expect(
      parseEnv({
        DATABASE_URL: "",
        LLM_ROUTER_CONFIG: "",
        OPENAI_API_KEY: "",
        ANTHROPIC_API_KEY: "",
        OPENAI_BASE_URL: "",
        ANTHROPIC_BASE_URL: "",
      }),
    ).toEqual(DEFAULTS);
  });

  // `FOO=` in a .env file or compose file yields "": it must mean "use the default", never a different value.
  it.each(["PORT", "SHUTDOWN_TIMEOUT_MS", "PGLITE_DIR", "REDIS_URL", "LOG_LEVEL", "QUEUE_PREFIX"] as const)(
    "treats an empty or blank %s as unset (its default)",
    (name) => {
      expect(parseEnv({ [name]: "" })[name]).toBe(DEFAULTS[name]);
      expect(parseEnv({ [name]: "  " })[name]).toBe(DEFAULTS[name]);
    },
  );

  it("treats an environment of only empty strings as empty", () => {
    expect(parseEnv(Object.fromEntries(Object.keys(DEFAULTS).map((name) => [name, ""])))).toEqual(DEFAULTS);
  });
});
