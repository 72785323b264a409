import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Registry } from "prom-client";

export interface HealthChecks {
  /**
   * Dependencies the process needs to do work; all must answer `true` for /readyz to be 200. A check
   * may answer a string instead of `false`: it fails, and the string (why) is in /readyz's `reasons`.
   */
  readiness: Record<string, () => Promise<boolean | string>>;
  registry: Registry;
  /** Another handler served under a path (the dashboard at /dashboard), with its own auth. */
  mount?: { path: string; handle: (request: IncomingMessage, response: ServerResponse) => void };
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * /healthz: the process is alive (the event loop answers) — restart it if not.
 * /readyz: Postgres and Redis answer, the schema is current, the ledger takes writes — stop sending it work if not.
 * /metrics: Prometheus text format.
 */
export async function startHealthServer(port: number, checks: HealthChecks, host = "0.0.0.0"): Promise<HealthServer> {
  const server: Server = createServer(async (request, response) => {
    try {
      const mount = checks.mount;
      if (mount && (request.url === mount.path || request.url?.startsWith(`${mount.path}/`) || request.url?.startsWith(`${mount.path}?`))) {
        mount.handle(request, response);
      } else if (request.url === "/healthz") {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
      } else if (request.url === "/readyz") {
        const results = Object.fromEntries(
          await Promise.all(
            Object.entries(checks.readiness).map(async ([name, check]) => [name, await check().catch(() => false)] as const),
          ),
        );
        const checksOk = Object.fromEntries(Object.entries(results).map(([name, result]) => [name, result === true]));
        const reasons = Object.fromEntries(Object.entries(results).filter(([, result]) => typeof result === "string"));
        const ready = Object.values(checksOk).every(Boolean);
        response
          .writeHead(ready ? 200 : 503, { "content-type": "application/json" })
          .end(JSON.stringify({ ready, checks: checksOk, ...(Object.keys(reasons).length > 0 ? { reasons } : {}) }));
      } else if (request.url === "/metrics") {
        response.writeHead(200, { "content-type": checks.registry.contentType }).end(await checks.registry.metrics());
      } else {
        response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
      }
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  let closed: Promise<void> | undefined;
  return {
    port: typeof address === "object" && address ? address.port : port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
