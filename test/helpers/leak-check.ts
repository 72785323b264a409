import { afterAll, beforeAll } from "vitest";

/**
 * Fails a test file that leaves something running: a Redis connection (a BullMQ worker or queue,
 * an ioredis client), a pg pool's connection, a server, or a child process. Loaded for every file
 * (vitest setupFiles). It counts the process's live handles of those kinds before the file starts
 * and requires the same count once the file's own afterAll hooks have run: a handle still open then
 * would keep running into the next file or keep the run from exiting.
 */
const WATCHED: Record<string, string> = {
  TCPSocketWrap: "TCP connection (Redis: a BullMQ worker or queue, an ioredis client; Postgres: a pg pool or client; HTTP keep-alive)",
  TCPServerWrap: "listening server (fake provider, health server, proxy)",
  ProcessWrap: "child process",
  UDPWrap: "UDP socket",
};

/** Handles close a little after `disconnect()`/`end()` returns; give them this long. */
const SETTLE_MS = 10_000;
const POLL_MS = 50;

function counts(): Map<string, number> {
  const found = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind in WATCHED) found.set(kind, (found.get(kind) ?? 0) + 1);
  }
  return found;
}

function leaks(baseline: Map<string, number>): string[] {
  return [...counts()]
    .filter(([kind, n]) => n > (baseline.get(kind) ?? 0))
    .map(([kind, n]) => `${n - (baseline.get(kind) ?? 0)} × ${WATCHED[kind]} [${kind}]`);
}

let baseline = new Map<string, number>();

beforeAll(() => {
  baseline = counts();
});

afterAll(async () => {
  const deadline = Date.now() + SETTLE_MS;
  let left = leaks(baseline);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    left = leaks(baseline);
  }
  if (left.length > 0) {
    throw new Error(`this test file left open: ${left.join("; ")}. Close it in afterAll/afterEach (see test/helpers/).`);
  }
});
