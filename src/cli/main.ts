import { Command, CommanderError } from "commander";
import { registerBatch } from "./commands/batch.js";
import { registerBatches } from "./commands/batches.js";
import { registerResults } from "./commands/results.js";
import { registerDashboard } from "./commands/dashboard.js";
import { registerDemo } from "./commands/demo.js";
import { registerEnqueue } from "./commands/enqueue.js";
import { registerEstimate } from "./commands/estimate.js";
import { registerFakeLlm } from "./commands/fake-llm.js";
import { registerMaintain } from "./commands/maintain.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerReport } from "./commands/report.js";
import { registerRecover } from "./commands/recover.js";
import { registerWorker } from "./commands/worker.js";
import { registerTrain } from "./commands/train.js";
import { registerEval } from "./commands/eval.js";
import { registerCalibrate } from "./commands/calibrate.js";
import { registerReprice } from "./commands/reprice.js";
import { EXIT } from "./exit.js";

const program = new Command("llm-router")
  .description("route batches of LLM jobs to the cheapest tier that can do them, and account for every call")
  .showHelpAfterError()
  // Commander's own errors (unknown option, missing argument) come back here instead of exiting 1.
  .exitOverride();

registerMigrate(program);
registerWorker(program);
registerEnqueue(program);
registerEstimate(program);
registerBatch(program);
registerBatches(program);
registerResults(program);
registerDashboard(program);
registerReport(program);
registerMaintain(program);
registerRecover(program);
registerFakeLlm(program);
registerDemo(program);
registerTrain(program);
registerEval(program);
registerCalibrate(program);
registerReprice(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has already printed its message (and the help); --help and --version end with 0.
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
}
