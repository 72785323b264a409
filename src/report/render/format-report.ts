import { displayUsd, parseUsd } from "../../pricing/money.js";
import type { Report } from "../query/report-query.js";
import { formatShadowTable } from "./shadow-table.js";
import { renderTable } from "./text-table.js";

/** Text serialisations of a report. `html` (html-report.ts) is a page of charts and needs the insights too. */
export const REPORT_FORMATS = ["table", "csv", "json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const usd = (exact: string) => `$${displayUsd(parseUsd(exact), 4)}`;
const count = (value: number) => value.toLocaleString("en-US");

const METRIC_HEADERS = [
  "requests",
  "calls",
  "failed_calls",
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "cost_usd",
];

export function formatReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case "json":
      return JSON.stringify(report, null, 2);
    case "csv":
      return formatCsv(report);
    case "table":
      return formatTable(report);
  }
}

/** One CSV cell, quoted as needed and guarded against formula injection (shared by every CSV export). */
export function csvCell(value: string): string {
  // Quote anything a spreadsheet could misread; a leading = + - @ would run as a formula in Excel.
  const guarded = /^[=+\-@]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

function formatCsv(report: Report): string {
  const lines = [[...report.by, ...METRIC_HEADERS].join(",")];
  for (const row of report.rows) {
    lines.push(
      [
        ...report.by.map((dimension) => row.group[dimension] ?? ""),
        row.requests,
        row.calls,
        row.failedCalls,
        row.inputTokens,
        row.outputTokens,
        row.cacheReadTokens,
        row.cacheWriteTokens,
        row.costUsd,
      ]
        .map((cell) => csvCell(String(cell)))
        .join(","),
    );
  }
  return lines.join("\n");
}

const pct = (value: number | null | undefined) => (value === null || value === undefined ? "n/a" : `${value}%`);

/** Rates, when the summary carries them (reports built from the ledger always do). */
function ratesLine(summary: Report["summary"]): string[] {
  if (summary.escalationPercent === undefined || summary.wastedCostUsd === undefined) return [];
  return [
    `escalation rate ${pct(summary.escalationPercent)}; failure rate ${pct(summary.failurePercent)}; ` +
      `fallback answers ${count(summary.fallbackAnswers ?? 0)} (${pct(summary.fallbackPercent)}); ` +
      `wasted spend ${usd(summary.wastedCostUsd)} (${pct(summary.wastedPercent)})`,
  ];
}

function formatTable(report: Report): string {
  const { summary } = report;
  const savings = summary.savingsPercent === null ? usd(summary.savingsUsd) : `${usd(summary.savingsUsd)} (${summary.savingsPercent}%)`;
  const summaryLines = [
    `requests ${count(summary.requests)}: ${count(summary.succeeded)} succeeded, ${count(summary.failed)} failed, ${count(summary.cancelled)} cancelled, ${count(summary.queued)} queued; ${count(summary.escalated)} escalated`,
    `provider calls ${count(summary.calls)}; cost ${usd(summary.costUsd)}; all-top-tier baseline ${usd(summary.baselineCostUsd)}; saved ${savings}`,
    ...ratesLine(summary),
  ];
  if (report.rows.length === 0) return [...summaryLines, "", "(no provider calls match)"].join("\n");
  const headers = [...report.by, "requests", "calls", "failed", "input tok", "output tok", "cache read", "cache write", "cost"];
  const numeric = [...report.by.map(() => false), true, true, true, true, true, true, true, true];
  const rows = report.rows.map((row) => [
    ...report.by.map((dimension) => row.group[dimension] ?? ""),
    count(row.requests),
    count(row.calls),
    count(row.failedCalls),
    count(row.inputTokens),
    count(row.outputTokens),
    count(row.cacheReadTokens),
    count(row.cacheWriteTokens),
    usd(row.costUsd),
  ]);
  const shadow = report.shadow ? ["", formatShadowTable(report.shadow, usd)] : [];
  return [...summaryLines, "", renderTable(headers, rows, numeric), ...shadow].join("\n");
}
