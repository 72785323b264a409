import { sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import { queryRows, type Db } from "../ledger/db/database.js";
import { prefixPattern } from "../queue/redis-keys.js";

/** What the ledger recorded for one eval request: where it went, what it cost, its score. */
export interface LedgerRequest {
  id: string;
  status: string;
  initialTier: string | null;
  finalTier: string | null;
  finalModel: string | null;
  classifier: string | null;
  complexityScore: number | null;
  escalations: number;
  /** Exact decimal USD, as Postgres returns numeric. */
  costUsd: string;
}

export async function readEvalRequests(db: Db, batchId: string): Promise<LedgerRequest[]> {
  const rows = await queryRows<{
    id: string;
    status: string;
    initial_tier: string | null;
    final_tier: string | null;
    final_model: string | null;
    classifier: string | null;
    complexity_score: number | null;
    escalations: number;
    cost_usd: string;
  }>(
    db,
    sql`select id, status, initial_tier, final_tier, final_model, classifier, complexity_score, escalations, cost_usd::text as cost_usd
        from requests where batch_id = ${batchId}`,
  );
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    initialTier: row.initial_tier,
    finalTier: row.final_tier,
    finalModel: row.final_model,
    classifier: row.classifier,
    complexityScore: row.complexity_score === null ? null : Number(row.complexity_score),
    escalations: Number(row.escalations),
    costUsd: row.cost_usd,
  }));
}

/** Sum of the batch's request costs, summed by Postgres (exact numeric). */
export async function batchCostUsd(db: Db, batchId: string): Promise<string> {
  const [row] = await queryRows<{ cost: string }>(
    db,
    sql`select coalesce(sum(cost_usd), 0)::text as cost from requests where batch_id = ${batchId}`,
  );
  return row?.cost ?? "0";
}

/** Deletes every Redis key of an eval's private queue prefix (SCAN, not KEYS: a shared Redis is not blocked). */
export async function deleteQueuePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", prefixPattern(prefix), "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}

/** Shadow checks settle after their requests; a quiet spell this long means the rest were skipped. */
const SHADOW_QUIET_MS = 10_000;

/**
 * Waits for the batch's shadow checks of the sampled requests, then writes each one's verdict from
 * the recorded outcomes (free-text kinds get none from the pipeline). Returns how many were labelled.
 * `expected`: how many checks to wait for (default every verdict's); when the workers sampled (the
 * `uncertain` strategy, whose draw the eval cannot foresee), Infinity waits until none has come for a while.
 */
export async function settleShadowVerdicts(
  db: Db,
  batchId: string,
  verdicts: Map<string, boolean>,
  expected = verdicts.size,
): Promise<number> {
  let last = -1;
  let since = Date.now();
  for (;;) {
    const [row] = await queryRows<{ n: string }>(
      db,
      sql`select count(*)::text as n from shadow_checks s join requests r on r.id = s.request_id where r.batch_id = ${batchId}`,
    );
    const count = Number(row?.n ?? 0);
    if (count >= expected) break;
    if (count !== last) {
      last = count;
      since = Date.now();
    } else if (Date.now() - since > SHADOW_QUIET_MS) break;
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
  if (verdicts.size === 0) return 0;
  const values = [...verdicts].map(([id, agrees]) => sql`(${id}, ${agrees}::boolean)`);
  const updated = await queryRows<{ id: string }>(
    db,
    sql`update shadow_checks s set agrees = v.agrees from (values ${sql.join(values, sql`, `)}) as v(id, agrees)
        where s.request_id = v.id returning s.request_id as id`,
  );
  return updated.length;
}
