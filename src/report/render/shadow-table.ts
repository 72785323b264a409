import type { ShadowSummaryRow } from "../query/shadow-summary.js";
import { renderTable } from "./text-table.js";

export function formatShadowTable(rows: ShadowSummaryRow[], usd: (exact: string) => string): string {
  return [
    "shadow checks (the top tier answering the same question):",
    renderTable(
      ["feature", "tier", "checks", "comparable", "agreement", "cost of measuring"],
      rows.map((row) => [
        row.feature,
        row.tier,
        String(row.checks),
        String(row.comparable),
        row.agreementRate === null ? "-" : `${(100 * row.agreementRate).toFixed(1)}%`,
        usd(row.costOfMeasuringUsd),
      ]),
      [false, false, true, true, true, true],
    ),
  ].join("\n");
}
