import { writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import type { Runtime } from "../../runtime/runtime.js";
import { formatReport, REPORT_FORMATS, type ReportFormat } from "../../report/render/format-report.js";
import { renderHtmlReport } from "../../report/render/html-report.js";
import { buildReport, parseDimensions, parseReportDate } from "../../report/query/report-query.js";
import { configuredRates } from "../../report/query/cache-savings.js";
import { withRuntime } from "../with-runtime.js";
import { createBudgetGuard } from "../../guards/budget-guard.js";
import { batchBudget } from "../../report/query/batch-budget.js";
import { batchStatus } from "../../report/query/batch-status.js";

const OUTPUT_FORMATS = [...REPORT_FORMATS, "html"] as const;
type OutputFormat = ReportFormat | "html";

/** Prices for cache savings: the tiers file's overrides when it loads, the catalog otherwise. */
export async function cacheRatesOf(runtime: Runtime) {
  try {
    return configuredRates(await runtime.config());
  } catch {
    return configuredRates();
  }
}

/** Tier names cheapest first from the tiers file, so charts stack and list tiers in routing order; optional. */
export async function configuredTierOrder(runtime: Runtime): Promise<string[] | undefined> {
  try {
    return (await runtime.config()).tiers.map((tier) => tier.name);
  } catch {
    return undefined;
  }
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("cost, tokens and calls grouped by any dimensions, with what routing saved against the top tier")
    .option("--by <dims>", "comma-separated: day, model, tier, feature, batch, provider, kind, error_type", "tier,model")
    .option("--batch <id>", "only this batch (an unknown id is an error)")
    .option("--since <date>", "requests created at or after this time (UTC date or ISO timestamp), with every call they made")
    .option("--until <date>", "requests created before this time (exclusive; must be after --since)")
    .addOption(
      new Option(
        "--format <format>",
        "table, csv, json (adds routing, latency and daily series) or html (one self-contained page of charts)",
      )
        .choices([...OUTPUT_FORMATS])
        .default("table"),
    )
    .option("--out <file>", "write to a file instead of stdout")
    .action((flags: { by: string; batch?: string; since?: string; until?: string; format: OutputFormat; out?: string }) =>
      withRuntime({}, async (runtime) => {
        const by = parseDimensions(flags.by);
        const { db } = await runtime.database();
        const detailed = flags.format === "json" || flags.format === "html";
        const report = await buildReport(
          db,
          by,
          {
            batchId: flags.batch,
            since: flags.since ? parseReportDate(flags.since, "--since") : undefined,
            until: flags.until ? parseReportDate(flags.until, "--until") : undefined,
          },
          {
            insights: detailed,
            tierOrder: detailed ? await configuredTierOrder(runtime) : undefined,
            cacheRates: await cacheRatesOf(runtime),
          },
        );
        if (report.sourceNote) process.stderr.write(`note: ${report.sourceNote}\n`);
        const budget = flags.format === "html" && flags.batch ? await budgetOf(runtime, flags.batch) : null;
        const text = flags.format === "html" ? renderHtmlReport(report, { budget }) : `${formatReport(report, flags.format)}\n`;
        if (flags.out) {
          await writeFile(flags.out, text);
          process.stderr.write(`report written to ${flags.out}\n`);
        } else process.stdout.write(text);
      }),
    );
}

/** Redis holds budgets; a report is about the ledger, so a Redis that does not answer soon costs only the tile. */
const BUDGET_WAIT_MS = 2_000;

/** A batch's budget for the HTML page; none (no tile) when Redis does not answer. */
async function budgetOf(runtime: Runtime, batchId: string) {
  const read = async () => {
    const guard = createBudgetGuard({ redis: runtime.redis(), prefix: runtime.env.QUEUE_PREFIX, budgets: () => ({}) });
    const status = await batchStatus((await runtime.database()).db, batchId);
    return batchBudget(guard, batchId, status.done);
  };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), BUDGET_WAIT_MS)));
  try {
    return await Promise.race([read(), late]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
