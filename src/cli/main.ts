import { Command, CommanderError } from "commander";
import { EXIT } from "./exit.js";

const program = new Command("llm-router")
  .description("route batches of LLM jobs to the cheapest tier that can do them, and account for every call")
  .showHelpAfterError()
  // Commander's own errors (unknown option, missing argument) come back here instead of exiting 1.
  .exitOverride();

/**
 * Each command's module, by name, in the order `--help` lists them. Only the command being run is
 * loaded (enqueue does not load the dashboard's server, the SDKs' clients of the lab, ...): that is
 * most of a command's start-up time and a third of its memory. `--help`, `help` or an unknown
 * command load them all, so the listing and commander's "unknown command" are as before.
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  migrate: async () => (await import("./commands/migrate.js")).registerMigrate,
  worker: async () => (await import("./commands/worker.js")).registerWorker,
  enqueue: async () => (await import("./commands/enqueue.js")).registerEnqueue,
  estimate: async () => (await import("./commands/estimate.js")).registerEstimate,
  batch: async () => (await import("./commands/batch.js")).registerBatch,
  batches: async () => (await import("./commands/batches.js")).registerBatches,
  results: async () => (await import("./commands/results.js")).registerResults,
  dashboard: async () => (await import("./commands/dashboard.js")).registerDashboard,
  report: async () => (await import("./commands/report.js")).registerReport,
  maintain: async () => (await import("./commands/maintain.js")).registerMaintain,
  recover: async () => (await import("./commands/recover.js")).registerRecover,
  "fake-llm": async () => (await import("./commands/fake-llm.js")).registerFakeLlm,
  demo: async () => (await import("./commands/demo.js")).registerDemo,
  train: async () => (await import("./commands/train.js")).registerTrain,
  eval: async () => (await import("./commands/eval.js")).registerEval,
  calibrate: async () => (await import("./commands/calibrate.js")).registerCalibrate,
  reprice: async () => (await import("./commands/reprice.js")).registerReprice,
};

const named = COMMANDS[process.argv[2] ?? ""];
for (const load of named ? [named] : Object.values(COMMANDS)) (await load())(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has already printed its message (and the help); --help and --version end with 0.
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
}
