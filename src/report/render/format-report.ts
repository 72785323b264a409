import { displayUsd, parseUsd } from "../../pricing/money.js";
import type { Report, ReportRow } from "../query/report-query.js";
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

/** Reports built from the ledger carry these; hand-made ones (tests, older JSON) may not. */
const hasPossiblyBilled = (report: Report) => report.summary.possiblyBilledHighUsd !== undefined;
const withBatchName = (report: Report) => report.by.includes("batch");

/**
 * The rows, then (for reports built from the ledger) a `total` row equal to the summary, a blank
 * line, and the summary as `metric,value` lines, so a spreadsheet gets everything the table shows.
 */
function formatCsv(report: Report): string {
  const extra = hasPossiblyBilled(report) ? ["possibly_billed_low_usd", "possibly_billed_high_usd"] : [];
  const names = withBatchName(report) ? ["batch_name"] : [];
  const lines = [[...report.by, ...names, ...METRIC_HEADERS, ...extra].join(",")];
  const line = (group: string[], row: ReportRow, name: string[]) =>
    [
      ...group,
      ...name,
      row.requests,
      row.calls,
      row.failedCalls,
      row.inputTokens,
      row.outputTokens,
      row.cacheReadTokens,
      row.cacheWriteTokens,
      row.costUsd,
      ...(extra.length > 0 ? [row.possiblyBilledLowUsd ?? "0", row.possiblyBilledHighUsd ?? "0"] : []),
    ]
      .map((cell) => csvCell(String(cell)))
      .join(",");
  for (const row of report.rows) {
    lines.push(
      line(
        report.by.map((dimension) => row.group[dimension] ?? ""),
        row,
        names.length > 0 ? [row.batchName ?? ""] : [],
      ),
    );
  }
  if (report.total) {
    const group = report.by.length > 0 ? ["total", ...report.by.slice(1).map(() => "")] : [];
    lines.push(line(group, report.total, names.length > 0 ? [""] : []));
    lines.push("", "metric,value", ...summaryPairs(report).map(([key, value]) => `${csvCell(key)},${csvCell(value)}`));
  }
  return lines.join("\n");
}

/** The summary, flat: the CSV's second section. */
function summaryPairs(report: Report): [string, string][] {
  const { summary } = report;
  const pairs: [string, string | number | null | undefined][] = [
    ["window", report.window],
    ["requests", summary.requests],
    ["succeeded", summary.succeeded],
    ["failed", summary.failed],
    ["queued", summary.queued],
    ["escalated", summary.escalated],
    ["calls", summary.calls],
    ["cost_usd", summary.costUsd],
    ["succeeded_cost_usd", summary.succeededCostUsd],
    ["failed_cost_usd", summary.failedCostUsd],
    ["queued_cost_usd", summary.queuedCostUsd],
    ["baseline_cost_usd", summary.baselineCostUsd],
    ["savings_usd", summary.savingsUsd],
    ["savings_percent", summary.savingsPercent],
    ["possibly_billed_low_usd", summary.possiblyBilledLowUsd],
    ["possibly_billed_high_usd", summary.possiblyBilledHighUsd],
    ["abandoned_calls", summary.abandonedCalls],
    ["escalation_percent", summary.escalationPercent],
    ["failure_percent", summary.failurePercent],
    ["fallback_answers", summary.fallbackAnswers],
    ["wasted_cost_usd", summary.wastedCostUsd],
  ];
  const features = (report.savingsByFeature ?? []).map((f): [string, string] => [`savings_usd[feature=${f.feature}]`, `${f.savingsUsd}`]);
  return [
    ...pairs
      .filter((pair): pair is [string, string | number] => pair[1] !== undefined && pair[1] !== null)
      .map(([k, v]): [string, string] => [k, String(v)]),
    ...features,
  ];
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

/** Prompt caching, when the report was priced for it: share of input served from cache, and what that saved. */
function cacheLine(summary: Report["summary"]): string[] {
  if (summary.cacheSavedUsd === undefined) return [];
  const saved = summary.cacheSavedUsd === null ? "n/a (unpriced model)" : usd(summary.cacheSavedUsd);
  return [`prompt cache hit rate ${pct(summary.cacheHitPercent)} of input tokens; saved by caching ${saved}`];
}

/** The batch lane, when calls went through it: its cost against the same tokens in real time. */
function batchLaneLine(summary: Report["summary"]): string[] {
  const lane = summary.batchLane;
  if (!lane) return [];
  return [
    `batch lane: ${count(lane.items)} calls cost ${usd(lane.costUsd)} against ${usd(lane.realtimeCostUsd)} in real time; saved ${usd(lane.savedUsd)}`,
  ];
}

/** Where the cost went and what the abandoned calls may add: for reports built from the ledger. */
function spendLines(summary: Report["summary"]): string[] {
  const lines: string[] = [];
  if (summary.failedCostUsd !== undefined && summary.succeededCostUsd !== undefined) {
    lines.push(
      `spend: succeeded requests ${usd(summary.succeededCostUsd)}; failed requests ${usd(summary.failedCostUsd)} (bought no answer)` +
        (summary.queuedCostUsd && parseUsd(summary.queuedCostUsd) !== 0n ? `; still queued ${usd(summary.queuedCostUsd)}` : ""),
    );
  }
  if (summary.possiblyBilledHighUsd !== undefined && (summary.abandonedCalls ?? 0) > 0) {
    lines.push(
      `possibly billed: ${usd(summary.possiblyBilledLowUsd ?? "0")} to ${usd(summary.possiblyBilledHighUsd)} for ${count(summary.abandonedCalls ?? 0)} abandoned calls ` +
        "(estimated, not in the cost above)",
    );
  }
  return lines;
}

function formatTable(report: Report): string {
  const { summary } = report;
  const savings = summary.savingsPercent === null ? usd(summary.savingsUsd) : `${usd(summary.savingsUsd)} (${summary.savingsPercent}%)`;
  const overSucceeded = summary.succeededCostUsd !== undefined ? " over succeeded requests" : "";
  const summaryLines = [
    ...(report.window ? [`window: ${report.window}`] : []),
    `requests ${count(summary.requests)}: ${count(summary.succeeded)} succeeded, ${count(summary.failed)} failed, ${count(summary.cancelled)} cancelled, ${count(summary.queued)} queued; ${count(summary.escalated)} escalated`,
    `provider calls ${count(summary.calls)}; cost ${usd(summary.costUsd)}; all-top-tier baseline ${usd(summary.baselineCostUsd)}; saved ${savings}${overSucceeded}`,
    ...spendLines(summary),
    ...ratesLine(summary),
    ...cacheLine(summary),
    ...batchLaneLine(summary),
  ];
  if (report.rows.length === 0) return [...summaryLines, "", "(no provider calls match)"].join("\n");
  const possiblyBilled = hasPossiblyBilled(report) && (summary.abandonedCalls ?? 0) > 0;
  const names = withBatchName(report);
  const headers = [
    ...report.by,
    ...(names ? ["batch name"] : []),
    "requests",
    "calls",
    "failed",
    "input tok",
    "output tok",
    "cache read",
    "cache write",
    "cost",
    ...(possiblyBilled ? ["possibly billed"] : []),
  ];
  const numeric = [...report.by.map(() => false), ...(names ? [false] : []), true, true, true, true, true, true, true, true, true];
  const line = (group: string[], row: ReportRow, name: string[]) => [
    ...group,
    ...name,
    count(row.requests),
    count(row.calls),
    count(row.failedCalls),
    count(row.inputTokens),
    count(row.outputTokens),
    count(row.cacheReadTokens),
    count(row.cacheWriteTokens),
    usd(row.costUsd),
    ...(possiblyBilled ? [`${usd(row.possiblyBilledLowUsd ?? "0")}-${usd(row.possiblyBilledHighUsd ?? "0")}`] : []),
  ];
  const rows = report.rows.map((row) =>
    line(
      report.by.map((dimension) => row.group[dimension] ?? ""),
      row,
      names ? [row.batchName ?? ""] : [],
    ),
  );
  if (report.total && report.by.length > 0) {
    rows.push(line(["total", ...report.by.slice(1).map(() => "")], report.total, names ? [""] : []));
  }
  const features = report.savingsByFeature?.length
    ? [
        "",
        "saved by feature (succeeded requests only)",
        renderTable(
          ["feature", "succeeded", "cost", "baseline", "saved"],
          report.savingsByFeature.map((f) => [
            f.feature,
            count(f.succeeded),
            usd(f.costUsd),
            usd(f.baselineCostUsd),
            f.savingsPercent === null ? usd(f.savingsUsd) : `${usd(f.savingsUsd)} (${f.savingsPercent}%)`,
          ]),
          [false, true, true, true, true],
        ),
      ]
    : [];
  const shadow = report.shadow ? ["", formatShadowTable(report.shadow, usd)] : [];
  return [...summaryLines, "", renderTable(headers, rows, numeric), ...features, ...shadow].join("\n");
}
