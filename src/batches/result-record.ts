/** Which requests `results` returns. Default all. */
export const RESULT_STATUSES = ["succeeded", "failed", "cancelled", "all"] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

/** One request of a batch as `results` hands it back (snake_case, like the ledger's columns). */
export interface ResultRecord {
  id: string;
  /** queued (still running), succeeded, failed or cancelled. */
  status: string;
  /** classify: the canonical label; extract: the JSON object; otherwise the text. Null without an answer. */
  result: unknown;
  error: string | null;
  kind: string;
  feature: string | null;
  /** As given at enqueue. */
  metadata: unknown;
  initial_tier: string | null;
  final_tier: string | null;
  final_model: string | null;
  escalations: number;
  /** Exact decimal, every call of the request included. */
  cost_usd: string;
}

/** A row as Postgres returns it: the answer still as stored text (resultRecordOf decodes it). */
export type ResultRow = Omit<ResultRecord, "result"> & { result: string | null };

/** An extract answer was validated as JSON before it was stored, so it goes back as an object. */
export function toResultRecord(row: ResultRow): ResultRecord {
  return {
    id: row.id,
    status: row.status,
    result: row.kind === "extract" && row.result !== null ? parseJsonOr(row.result) : row.result,
    error: row.error,
    kind: row.kind,
    feature: row.feature,
    metadata: row.metadata ?? null,
    initial_tier: row.initial_tier,
    final_tier: row.final_tier,
    final_model: row.final_model,
    escalations: row.escalations,
    cost_usd: row.cost_usd,
  };
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
