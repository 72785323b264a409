import type { Command } from "commander";
import { startDashboardServer } from "../../dashboard/dashboard-server.js";
import { withRuntime } from "../with-runtime.js";
import { configuredRates } from "../../report/query/cache-savings.js";

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port "${value}" must be 0-65535`);
  return port;
}

export function registerDashboard(program: Command): void {
  program
    .command("dashboard")
    .description("live page of batches (progress, throughput, ETA, cost against the baseline, failures) with Bull Board for the queues")
    .option("--port <n>", "port (default 9465; 0 picks a free one)", parsePort, 9465)
    .option("--host <host>", "interface to listen on (default 127.0.0.1; anything else needs DASHBOARD_TOKEN)", "127.0.0.1")
    .action((flags: { port: number; host: string }) =>
      withRuntime({}, async (runtime) => {
        const [database, config] = await Promise.all([runtime.database(), runtime.config()]);
        const server = await startDashboardServer({
          database,
          connection: runtime.redis(),
          prefix: runtime.env.QUEUE_PREFIX,
          tiers: config.tiers.map((tier) => tier.name),
          tierModels: config.tiers,
          cacheRates: configuredRates(config),
          token: runtime.env.DASHBOARD_TOKEN,
          port: flags.port,
          host: flags.host,
        });
        process.stderr.write(`dashboard on ${server.url}/${runtime.env.DASHBOARD_TOKEN ? " (open it with ?token=…)" : ""}\n`);
        await new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        await server.close();
      }),
    );
}
