import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { Option, type Command } from "commander";
import { RESULT_STATUSES, type ResultStatus } from "../../batches/index.js";
import { RESULT_FORMATS, resultLine, resultsHeader, type ResultFormat } from "../../report/render/results-format.js";
import { openBatchControl } from "../batch-control.js";
import { withRuntime } from "../with-runtime.js";

export function registerResults(program: Command): void {
  program
    .command("results")
    .description("the answers of a batch, one record per request in enqueue order, streamed from Postgres (constant memory)")
    .argument("<batch-id>", "the batch id printed by enqueue")
    .addOption(new Option("--status <status>", "which requests").choices([...RESULT_STATUSES]).default("all"))
    .addOption(
      new Option("--format <format>", "jsonl, or csv (guarded against formula injection)").choices([...RESULT_FORMATS]).default("jsonl"),
    )
    .option("--out <file>", "write to this file instead of stdout")
    .action((batchId: string, flags: { status: ResultStatus; format: ResultFormat; out?: string }) =>
      withRuntime({}, async (runtime) => {
        const control = await openBatchControl(runtime);
        // Asked before the file is created: an unknown batch is an error, never an empty file.
        const records = await control.results(batchId, { status: flags.status });
        const out = flags.out ? createWriteStream(flags.out) : process.stdout;
        const write = async (text: string) => {
          if (text && !out.write(text)) await once(out, "drain");
        };
        await write(resultsHeader(flags.format));
        let count = 0;
        for await (const record of records) {
          await write(resultLine(record, flags.format));
          count++;
        }
        if (flags.out) {
          await new Promise<void>((resolve, reject) =>
            (out as ReturnType<typeof createWriteStream>).end((error?: Error | null) => (error ? reject(error) : resolve())),
          );
          process.stderr.write(`${count} records written to ${flags.out}\n`);
        }
      }),
    );
}
