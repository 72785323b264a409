import { Option, type Command } from "commander";
import { loadRouterConfig } from "../../config/load-config.js";
import { parseReportDate } from "../../report/query/report-filters.js";
import { displayUsd, parseUsd } from "../../pricing/money.js";
import { runReprice, type RepriceResult } from "../../lab/run-reprice.js";
import { withRuntime } from "../with-runtime.js";

interface RepriceFlags {
  batch?: string;
  since?: string;
  until?: string;
  config: string;
  format: "table" | "json";
}

const usd = (text: string) => `$${displayUsd(parseUsd(text))}`;
const share = (value: number) => `${(value * 100).toFixed(1)}%`;

export function formatRepriceTable(result: RepriceResult): string {
  const lines = [
    `reprice ${result.requests} request(s) under ${result.classifier}, thresholds [${result.thresholds.map((cut) => cut.toFixed(4)).join(", ")}]`,
    `actual ${usd(result.actual_usd)} → repriced ${usd(result.repriced_usd)}${result.ratio === null ? "" : ` (×${result.ratio.toFixed(4)})`}; top share ${share(result.top_share_actual)} → ${share(result.top_share_repriced)}`,
    "",
    `${"actual tier".padEnd(14)}${"→ repriced".padEnd(14)}${"requests".padStart(9)}${"actual".padStart(12)}${"repriced".padStart(12)}${"shadow -/n".padStart(12)}`,
  ];
  for (const row of result.rows) {
    lines.push(
      `${(row.actual_tier ?? "-").padEnd(14)}${row.repriced_tier.padEnd(14)}${String(row.requests).padStart(9)}${usd(row.actual_usd).padStart(12)}${usd(row.repriced_usd).padStart(12)}${`${row.shadow_disagreed}/${row.shadow_labelled}`.padStart(12)}`,
    );
  }
  if (result.kept.rule + result.kept.unscored > 0)
    lines.push("", `kept on their tier: ${result.kept.rule} rule-routed, ${result.kept.unscored} unscored`);
  lines.push("", ...result.notes.map((note) => `note: ${note}`));
  return lines.join("\n");
}

export function registerReprice(program: Command): void {
  program
    .command("reprice")
    .description("what recorded traffic would have cost under another tiers file (prices, tiers, thresholds, classifier)")
    .option("--batch <id>", "the requests of this batch")
    .option("--since <date>", "requests created at or after this (UTC date or ISO timestamp)")
    .option("--until <date>", "requests created before this")
    .requiredOption("--config <file>", "the other tiers file")
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action((flags: RepriceFlags) =>
      withRuntime({}, async (runtime) => {
        const config = await loadRouterConfig(flags.config);
        const { db } = await runtime.database();
        const result = await runReprice(
          db,
          {
            ...(flags.batch !== undefined ? { batchId: flags.batch } : {}),
            ...(flags.since !== undefined ? { since: parseReportDate(flags.since, "--since") } : {}),
            ...(flags.until !== undefined ? { until: parseReportDate(flags.until, "--until") } : {}),
          },
          config,
        );
        process.stdout.write(`${flags.format === "json" ? JSON.stringify(result, null, 2) : formatRepriceTable(result)}\n`);
      }),
    );
}
