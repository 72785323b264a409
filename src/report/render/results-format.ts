import type { ResultRecord } from "../../batches/result-record.js";
import { csvCell } from "./format-report.js";

/** How `results` writes records. Default jsonl. */
export const RESULT_FORMATS = ["jsonl", "csv"] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

const COLUMNS = [
  "id",
  "status",
  "result",
  "error",
  "kind",
  "feature",
  "metadata",
  "initial_tier",
  "final_tier",
  "final_model",
  "escalations",
  "cost_usd",
] as const satisfies readonly (keyof ResultRecord)[];

/** A structured value (extract's object, metadata) goes into its CSV cell as JSON. */
const cellText = (value: unknown) =>
  value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);

/** The text before the first record: CSV's header line, nothing for JSONL. */
export function resultsHeader(format: ResultFormat): string {
  return format === "csv" ? `${COLUMNS.join(",")}\n` : "";
}

/** One record as one line, newline included. */
export function resultLine(record: ResultRecord, format: ResultFormat): string {
  if (format === "jsonl") return `${JSON.stringify(record)}\n`;
  return `${COLUMNS.map((column) => csvCell(cellText(record[column]))).join(",")}\n`;
}
