import { createServer } from "node:net";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli, type LongRunningCli } from "../helpers/cli-process.js";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.js";
import { waitFor } from "../helpers/wait-for.js";

/** Nothing listens on port 1; the password must never be printed. */
const DEAD_REDIS = "redis://:hunter2-secret@127.0.0.1:1";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Issue 16 item 3: with Redis unreachable, enqueue (and every other command) hung forever. Since issue 12 enqueue writes Postgres only. */
describe("Redis unreachable", { timeout: 90_000 }, () => {
  let testDb: TestDatabase;
  let worker: LongRunningCli | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await worker?.stop();
    await testDb?.drop();
  });

  it("enqueue needs no Redis (Postgres holds the backlog); a command that does fails after REDIS_CONNECT_TIMEOUT_MS, naming the URL without its password", async () => {
    const file = join(tmpdir(), `llm-router-redis-down-${process.pid}.jsonl`);
    await writeFile(file, `${JSON.stringify({ kind: "generate", prompt: "hello" })}\n`);
    const env = { DATABASE_URL: testDb.url, REDIS_URL: DEAD_REDIS, REDIS_CONNECT_TIMEOUT_MS: "500", LOG_LEVEL: "" };
    await runCli(["migrate"], env);
    const enqueued = await runCli(["enqueue", file], env);
    expect(enqueued.code, enqueued.stderr).toBe(0);
    expect(enqueued.stdout).toMatch(/batch-/);

    const result = await runCli(["recover"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 did not answer/m);
    expect(result.stderr).toContain("REDIS_URL");
    expect(`${result.stderr}${enqueued.stderr}${enqueued.stdout}`).not.toContain("hunter2");
  });

  it("a worker keeps retrying, logs it, and /readyz reports redis down", async () => {
    const port = await freePort();
    worker = startCli(["worker"], {
      DATABASE_URL: testDb.url,
      REDIS_URL: DEAD_REDIS,
      PORT: String(port),
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
      // Never called: the worker cannot take a job without Redis.
      OPENAI_API_KEY: "sk-test",
      ANTHROPIC_API_KEY: "sk-test",
      OPENAI_BASE_URL: "http://127.0.0.1:1/v1",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:1",
    });
    await worker.waitForOutput(/redis unreachable; retrying/);
    const readiness = await waitFor(
      async () => {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5_000) });
          return { status: response.status, body: (await response.json()) as { checks: Record<string, boolean> } };
        } catch {
          return undefined;
        }
      },
      (value) => value !== undefined,
      { what: "/readyz to answer" },
    );
    expect(readiness!.status).toBe(503);
    expect(readiness!.body.checks.redis).toBe(false);
    expect(readiness!.body.checks.postgres).toBe(true);
    const { stdout, stderr } = worker.output();
    expect(`${stdout}${stderr}`).not.toContain("hunter2");
    expect(worker.child.exitCode).toBeNull();
  });
});
