import type { Command } from "commander";
import { UsageError } from "../../errors/router-error.js";
import { parseDurationMs } from "../../feed/parse-duration.js";
import { reestablishTierLimits } from "../../feed/reestablish-limits.js";
import { batchLanesOf, recoverLostJobs } from "../../feed/recover-lost.js";
import { Queue } from "bullmq";
import { INTAKE_QUEUE, tierQueueName } from "../../queue/queue-names.js";
import { withRuntime } from "../with-runtime.js";

const DEFAULT_OLDER_THAN = "10m";

/**
 * After Redis lost its data: the requests Postgres holds as queued and fed, that no queue holds, are
 * fed again (the workers' feeders add them), and the tiers' concurrency limits are set again. Safe
 * with workers running; running it twice does nothing the second time.
 */
export function registerRecover(program: Command): void {
  program
    .command("recover")
    .description("re-queue requests Postgres holds as queued but no queue holds (after Redis lost its data); set the tier limits again")
    .option(
      "--older-than <duration>",
      `only requests fed at least this long ago (e.g. 30s, 10m, 2h): longer than a job's longest run (default ${DEFAULT_OLDER_THAN})`,
      DEFAULT_OLDER_THAN,
    )
    .action((flags: { olderThan: string }) =>
      withRuntime({}, async (runtime) => {
        const olderThanMs = parseDurationMs(flags.olderThan);
        if (olderThanMs === undefined) throw new UsageError(`--older-than "${flags.olderThan}" is not a duration (e.g. 30s, 10m, 2h)`);
        const config = await runtime.config();
        const database = await runtime.database();
        const connection = runtime.redis();
        const prefix = runtime.env.QUEUE_PREFIX;
        const queues = new Map(
          config.tiers.map(
            (tier) => [tier.name, new Queue(tierQueueName(tier.name), { connection, prefix }).on("error", () => {})] as const,
          ),
        );
        try {
          const { fixed: limitsFixed, held } = await reestablishTierLimits({ db: database.db, redis: connection, prefix }, config, (tier) =>
            queues.get(tier)!,
          );
          const report = await recoverLostJobs(
            {
              db: database.db,
              redis: connection,
              prefix,
              queueNames: [INTAKE_QUEUE, ...config.tiers.map((tier) => tierQueueName(tier.name))],
              lanes: batchLanesOf(config),
            },
            olderThanMs,
          );
          const lines = [
            `checked ${report.checked} queued request(s) fed at least ${flags.olderThan} ago`,
            report.lostCount === 0
              ? "none was missing from Redis"
              : `${report.lostCount} missing from every queue: marked to be fed again (the workers' feeders add them)` +
                (report.lost.length > 0 ? `, e.g. ${report.lost.slice(0, 5).join(", ")}` : ""),
            limitsFixed.length === 0
              ? "tier concurrency limits: in place"
              : `tier concurrency limits set again: ${limitsFixed
                  .map((name) => `${name}=${config.tiers.find((tier) => tier.name === name)!.concurrency}`)
                  .join(", ")}`,
            ...(held.length === 0
              ? []
              : [`held back from feeding until the calls in flight before the loss have ended (their longest run): ${held.join(", ")}`]),
          ];
          process.stdout.write(`${lines.join("\n")}\n`);
        } finally {
          await Promise.all([...queues.values()].map((queue) => queue.close()));
        }
      }),
    );
}
