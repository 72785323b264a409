import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../ledger/db/database.js";

export interface FailureReason {
  reason: string;
  requests: number;
}

/**
 * Groups failures that differ only in the path they took: a request's error is "<what failed>:
 * <reason>; <reason>; …" (oldest first), so the reason is what failed plus the last thing tried.
 */
export function failureReasonOf(error: string | null): string {
  if (!error) return "(no reason recorded)";
  const colon = error.indexOf(": ");
  if (colon === -1) return error.slice(0, 200);
  const what = error.slice(0, colon);
  const last = error
    .slice(colon + 2)
    .split("; ")
    .at(-1)!
    .trim();
  return `${what}: ${last}`.slice(0, 240);
}

/** The pure half of topFailureReasons: regroup distinct errors by reason, most common first. */
export function rankFailureReasons(errors: { error: string | null; requests: number }[], limit: number): FailureReason[] {
  const counts = new Map<string, number>();
  for (const { error, requests } of errors) {
    const reason = failureReasonOf(error);
    counts.set(reason, (counts.get(reason) ?? 0) + requests);
  }
  return [...counts.entries()]
    .map(([reason, requests]) => ({ reason, requests }))
    .sort((a, b) => b.requests - a.requests || a.reason.localeCompare(b.reason))
    .slice(0, limit);
}

/** The most common failure reasons of a batch's failed requests. Default limit 5. */
export async function topFailureReasons(db: Db, batchId: string, limit = 5): Promise<FailureReason[]> {
  // Distinct error texts, capped: the ranking of a batch with a million distinct errors stays bounded.
  const errors = await queryRows<{ error: string | null; requests: string }>(
    db,
    sql`select error, count(*)::text as requests from requests where batch_id = ${batchId} and status = 'failed'
        group by error order by count(*) desc limit 2000`,
  );
  return rankFailureReasons(
    errors.map((row) => ({ error: row.error, requests: Number(row.requests) })),
    limit,
  );
}
