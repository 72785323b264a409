import { createServer } from "node:http";
import { createDashboard, type DashboardDeps } from "./dashboard-app.js";
import { isLoopbackHost } from "./dashboard-auth.js";

export class DashboardConfigError extends Error {
  override name = "DashboardConfigError";
}

export interface DashboardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** `llm-router dashboard`: its own server, on 127.0.0.1 unless told otherwise, and then only with a token. */
export async function startDashboardServer(deps: DashboardDeps & { port: number; host: string }): Promise<DashboardServer> {
  if (!isLoopbackHost(deps.host) && deps.token === undefined) {
    throw new DashboardConfigError(`the dashboard shows prompts' ids and answers: set DASHBOARD_TOKEN to serve it on ${deps.host}`);
  }
  const dashboard = await createDashboard(deps);
  const server = createServer((request, response) => dashboard.handle(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(deps.port, deps.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : deps.port;
  const shownHost = deps.host.includes(":") && !deps.host.startsWith("[") ? `[${deps.host}]` : deps.host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      (closed ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await dashboard.close();
      })()),
  };
}
