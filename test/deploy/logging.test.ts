import { stripVTControlCharacters } from "node:util";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../src/config/env.js";
import { createLogger, type LoggerOptions } from "../../src/observability/logger.js";

/** A logger writing into memory; returns what it wrote after one line. */
function logOnce(options: LoggerOptions, write: (logger: ReturnType<typeof createLogger>) => void): string {
  let text = "";
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  write(createLogger("info", { ...options, destination }));
  return text;
}

const stripColours = (text: string) => stripVTControlCharacters(text);

describe("logs", () => {
  it("are JSON lines by default away from a terminal (Kubernetes, compose), with the job's fields and keys redacted", () => {
    const text = logOnce({ tty: false }, (logger) =>
      logger.child({ jobId: "ticket-1", batchId: "b-1", tier: "cheap", model: "gpt-5-mini" }).info({ apiKey: "sk-secret" }, "attempt finished"),
    );
    const lines = text.trim().split("\n");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 30, msg: "attempt finished", service: "llm-router", jobId: "ticket-1", batchId: "b-1", tier: "cheap", model: "gpt-5-mini" });
    expect(line.apiKey).toBe("[redacted]");
    expect(text).not.toContain("sk-secret");
  });

  it("are pretty on a terminal: level, message and fields for a person, keys still redacted", () => {
    const text = stripColours(logOnce({ tty: true }, (logger) => logger.warn({ tier: "premium", apiKey: "sk-secret" }, "provider overloaded")));
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toMatch(/WARN.*provider overloaded/);
    expect(text).toContain('tier: "premium"');
    expect(text).not.toContain("sk-secret");
  });

  it("follow LOG_FORMAT over the terminal check", () => {
    const json = logOnce({ tty: true, format: "json" }, (logger) => logger.info("hello"));
    expect(JSON.parse(json)).toMatchObject({ msg: "hello" });
    const pretty = logOnce({ tty: false, format: "pretty" }, (logger) => logger.info("hello"));
    expect(pretty).toMatch(/INFO.*hello/);
    expect(pretty, "no colour codes when the output is not a terminal").not.toContain("\u001b[");
  });

  it("take LOG_FORMAT json or pretty from the environment, nothing else", () => {
    expect(parseEnv({ LOG_FORMAT: "pretty" }).LOG_FORMAT).toBe("pretty");
    expect(parseEnv({ LOG_FORMAT: "json" }).LOG_FORMAT).toBe("json");
    expect(parseEnv({}).LOG_FORMAT).toBeUndefined();
    expect(() => parseEnv({ LOG_FORMAT: "xml" })).toThrow(/LOG_FORMAT/);
  });
});
