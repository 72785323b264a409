import { displayUsd, formatUsd } from "../pricing/money.js";
import type { Estimate } from "./estimate-batch.js";

/** The JSON form: exactly rows and the four totals, money as exact 12-decimal USD strings. */
export function estimateJson(estimate: Estimate) {
  return {
    rows: estimate.rows.map((row) => ({ ...row, expected_usd: formatUsd(row.expected_usd) })),
    low_usd: formatUsd(estimate.low),
    expected_usd: formatUsd(estimate.expected),
    worst_usd: formatUsd(estimate.worst),
    baseline_usd: formatUsd(estimate.baseline),
  };
}

const pad = (cells: string[], widths: number[]) =>
  cells.map((cell, index) => (index < 2 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join("  ");

export function estimateTable(estimate: Estimate, jobCount: number): string {
  const header = ["tier", "model", "jobs", "calls", "input tokens", "of which cached", "output tokens", "expected $"];
  const body = estimate.rows.map((row) => [
    row.tier,
    row.model,
    String(row.jobs),
    String(row.calls),
    String(row.input_tokens),
    String(row.cache_read_tokens),
    String(row.output_tokens),
    displayUsd(row.expected_usd, 6),
  ]);
  const widths = header.map((cell, index) => Math.max(cell.length, ...body.map((line) => line[index]!.length)));
  const lines = [pad(header, widths), ...body.map((line) => pad(line, widths))];
  lines.push(
    "",
    `jobs          ${jobCount} (${estimate.jobsWithHistory} with ledger history for their kind and feature, the rest on defaults)`,
    `low_usd       ${displayUsd(estimate.low, 6)}   every job answered by its first model`,
    `expected_usd  ${displayUsd(estimate.expected, 6)}   escalation, fallbacks and output lengths from history or defaults; shared prefixes read from the prompt cache`,
    `worst_usd     ${displayUsd(estimate.worst, 6)}   every job through every model to the top, at max output tokens`,
    `baseline_usd  ${displayUsd(estimate.baseline, 6)}   every job on the top tier`,
  );
  return lines.join("\n");
}
