import { Command } from "commander";
import { registerBatch } from "./commands/batch.js";
import { registerBatches } from "./commands/batches.js";
import { registerResults } from "./commands/results.js";
import { registerDashboard } from "./commands/dashboard.js";
import { registerDemo } from "./commands/demo.js";
import { registerEnqueue } from "./commands/enqueue.js";
import { registerFakeLlm } from "./commands/fake-llm.js";
import { registerMaintain } from "./commands/maintain.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerReport } from "./commands/report.js";
import { registerWorker } from "./commands/worker.js";
import { registerTrain } from "./commands/train.js";
import { registerEval } from "./commands/eval.js";
import { registerCalibrate } from "./commands/calibrate.js";

const program = new Command("llm-router")
  .description("route batches of LLM jobs to the cheapest tier that can do them, and account for every call")
  .showHelpAfterError();

registerMigrate(program);
registerWorker(program);
registerEnqueue(program);
registerBatch(program);
registerBatches(program);
registerResults(program);
registerDashboard(program);
registerReport(program);
registerMaintain(program);
registerFakeLlm(program);
registerDemo(program);
registerTrain(program);
registerEval(program);
registerCalibrate(program);

await program.parseAsync(process.argv);
