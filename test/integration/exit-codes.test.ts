import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli-process.js";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../helpers/redis.js";

/**
 * Every command ends through one exit path (src/cli/exit.ts): each error kind's exit code and its
 * one line, through the real CLI, including the commands that used to print errors their own way.
 */
describe("exit codes through the real CLI", () => {
  const prefix = uniquePrefix();
  let testDb: TestDatabase;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), "llm-router-exit-"));
    env = { DATABASE_URL: testDb.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: "warn", LLM_ROUTER_CONFIG: "" };
  });
  afterAll(async () => {
    await testDb?.drop();
    await deletePrefix(prefix);
  });

  // Each command is its own Node process: seconds apiece on a busy machine.
  const CLI_TEST_TIMEOUT_MS = 240_000;

  const oneLine = (stderr: string) => {
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/internal error/);
  };

  it(
    "usage: 2, from commander and from our own flag checks",
    async () => {
      const unknownOption = await runCli(["report", "--colour"], env);
      expect(unknownOption.code).toBe(2);
      expect(unknownOption.stderr).toMatch(/unknown option '--colour'/);

      const cases: [string[], RegExp][] = [
        [["report", "--by", "colour"], /unknown --by dimension colour/],
        [["train", "--data", "x.jsonl", "--out", "m.json", "--seed", "abc"], /--seed "abc" must be an integer/],
        [["eval", "--data", "x.jsonl", "--limit", "0"], /--limit "0" must be an integer >= 1/],
        [["fake-llm", "--port", "99999"], /--port "99999" is not a port number/],
        [["worker", "--stages", "intake,platinum"], /unknown stage platinum/],
      ];
      // Providers pointed somewhere: the stage check comes after the provider check.
      const providers = { OPENAI_BASE_URL: "http://127.0.0.1:9/v1", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" };
      for (const [args, message] of cases) {
        const result = await runCli(args, { ...env, ...providers });
        expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(2);
        expect(result.stderr).toMatch(message);
        oneLine(result.stderr);
      }
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "config: 1, naming the file",
    async () => {
      const missing = join(dir, "missing.yaml");
      for (const args of [
        ["worker", "--config", missing],
        ["eval", "--data", "x.jsonl", "--config", missing],
      ]) {
        const result = await runCli(args, env);
        expect(result.code, result.stderr).toBe(1);
        expect(result.stderr).toContain(`error: cannot read config ${missing}`);
        oneLine(result.stderr);
      }
      const badEnv = await runCli(["report"], { ...env, PORT: "not-a-port" });
      expect(badEnv.code).toBe(1);
      expect(badEnv.stderr).toMatch(/^error: invalid environment: PORT/);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "input: 1, for a file that cannot be read, in every command that reads one",
    async () => {
      const missing = join(dir, "no-such-file.jsonl");
      for (const args of [
        ["enqueue", missing],
        ["train", "--data", missing, "--out", join(dir, "model.json")],
        ["demo", "--jobs", missing],
        ["fake-llm", "--port", "0", "--scenario", missing],
      ]) {
        const result = await runCli(args, env);
        expect(result.code, `${args[0]}: ${result.stderr}`).toBe(1);
        expect(result.stderr).toContain(missing);
        expect(result.stderr).toMatch(/^error: /m);
        oneLine(result.stderr);
      }
      const garbage = join(dir, "garbage.json");
      await writeFile(garbage, "{ not json");
      const scenario = await runCli(["fake-llm", "--port", "0", "--scenario", garbage], env);
      expect(scenario.code).toBe(1);
      oneLine(scenario.stderr);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "not found: 1, for a batch id that does not exist",
    async () => {
      const result = await runCli(["batch", "batch-does-not-exist"], env);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/^error: .*batch-does-not-exist/);
      oneLine(result.stderr);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "partial: 3 when enqueue rejected some lines",
    async () => {
      const file = join(dir, "jobs.jsonl");
      await writeFile(file, `${JSON.stringify({ kind: "generate", prompt: "hello" })}\n{ broken\n`);
      const result = await runCli(["enqueue", file], env);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toMatch(/jobs\.jsonl:2: rejected/);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "LOG_LEVEL=debug adds the stack to the line",
    async () => {
      const result = await runCli(["fake-llm", "--port", "-1"], { ...env, LOG_LEVEL: "debug" });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: --port "-1" is not a port number\nUsageError: .*\n\s+at /);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
