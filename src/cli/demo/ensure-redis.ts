import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { redisAnswers } from "../../queue/redis-connection.js";
import { RouterError } from "../../errors/router-error.js";

export interface RedisForDemo {
  url: string;
  /** Set when the demo started its own redis-server. */
  spawned: boolean;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The demo's queue: the Redis at REDIS_URL when one answers; otherwise a throw-away redis-server
 * (no persistence) when one is on PATH; otherwise an error that says how to get one.
 */
export async function ensureRedis(url: string): Promise<RedisForDemo> {
  if (await redisAnswers(url)) return { url, spawned: false, stop: async () => {} };
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = await new Promise<ChildProcess>((resolve, reject) => {
      const started = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
        stdio: "ignore",
      });
      started.once("error", reject);
      started.once("spawn", () => resolve(started));
    });
  } catch {
    throw new RouterError(
      "unavailable",
      `no Redis answers at ${url} and redis-server is not on PATH. Start one (Debian/Ubuntu: apt-get install redis-server; ` +
        `macOS: brew install redis; Docker: docker run -p 6379:6379 redis:7) or set REDIS_URL.`,
    );
  }
  const spawnedUrl = `redis://127.0.0.1:${port}`;
  for (let tries = 0; tries < 100 && !(await redisAnswers(spawnedUrl, 200)); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!(await redisAnswers(spawnedUrl))) {
    child.kill("SIGKILL");
    throw new Error(`started redis-server on port ${port} but it does not answer`);
  }
  return {
    url: spawnedUrl,
    spawned: true,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
