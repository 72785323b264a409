import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli-process.js";
import { TEST_REDIS_URL } from "../helpers/redis.js";

/** What a new user runs first: no API key, no DATABASE_URL (embedded PGlite). */
// Generous timeouts: the demo is a real pipeline of 249 jobs and CI may share the machine.
describe("llm-router demo", { timeout: 240_000 }, () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const demoEnv = async (redisUrl: string) => {
    const dir = await mkdtemp(join(tmpdir(), "llm-router-demo-"));
    dirs.push(dir);
    return {
      DATABASE_URL: "",
      PGLITE_DIR: join(dir, "pgdata"),
      REDIS_URL: redisUrl,
      OPENAI_API_KEY: "",
      ANTHROPIC_API_KEY: "",
      LOG_LEVEL: "",
    };
  };

  it("runs the example jobs end to end on PGlite and prints the cost report", async () => {
    const result = await runCli(["demo"], await demoEnv(TEST_REDIS_URL), 230_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/ledger in pglite:/);
    expect(result.stdout).toMatch(/jobs 249: 249 finished/);
    expect(result.stdout).toMatch(/saved \$\d+\.\d+ \(\d+(\.\d+)?%\)/);
    expect(result.stdout).toMatch(/cheap\s+gpt-5-mini/);
    expect(result.stdout).toMatch(/Data: pglite:.*pgdata \(batch batch-/);
  });

  // Issue 16 item 5: a second run on the same ledger found every id known, queued 0 and exited 0.
  it("runs its jobs again on a second run against the same embedded database", async () => {
    const env = await demoEnv(TEST_REDIS_URL);
    const first = await runCli(["demo"], env, 230_000);
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(["demo"], env, 230_000);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/queued 249, rejected 0/);
    expect(second.stdout).toMatch(/jobs 249: 249 finished/);
  });

  it("starts its own redis-server when none answers at REDIS_URL", async () => {
    const result = await runCli(["demo"], await demoEnv("redis://127.0.0.1:1"), 230_000);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Redis started at redis:\/\/127\.0\.0\.1:\d+/);
    expect(result.stdout).toMatch(/jobs 249: 249 finished/);
  });
});
