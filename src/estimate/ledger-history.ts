import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../ledger/db/database.js";
import { historyKey, MIN_HISTORY_VISITS, type History, type TierHistory } from "./history.js";

interface TierRow {
  kind: string;
  feature: string | null;
  tier: string;
  visits: string;
  escalated: string;
}
interface ModelRow {
  kind: string;
  feature: string | null;
  tier: string;
  model: string;
  billed: string;
  output_tokens: string;
}

/**
 * Reads escalation rates, billed calls and output lengths of finished requests started in the last
 * `days` days, per kind, feature, tier and model. Read-only. A job "escalated from" a tier when it
 * made calls there and ended on another tier.
 */
export async function loadHistory(db: Db, days: number): Promise<History> {
  const since = new Date(Date.now() - days * 86_400_000);
  const tiers = await queryRows<TierRow>(
    db,
    sql`select r.kind, r.feature, a.tier, count(distinct a.request_id)::text as visits,
          count(distinct a.request_id) filter (where r.final_tier is distinct from a.tier)::text as escalated
        from attempts a join requests r on r.id = a.request_id
        where a.started_at >= ${since} and r.status in ('succeeded', 'failed')
        group by 1, 2, 3`,
  );
  const models = await queryRows<ModelRow>(
    db,
    sql`select r.kind, r.feature, a.tier, a.model,
          count(*) filter (where a.input_tokens > 0)::text as billed,
          coalesce(sum(a.output_tokens) filter (where a.input_tokens > 0), 0)::text as output_tokens
        from attempts a join requests r on r.id = a.request_id
        where a.started_at >= ${since} and r.status in ('succeeded', 'failed')
        group by 1, 2, 3, 4`,
  );
  const history: History = new Map();
  for (const row of tiers) {
    const visits = Number(row.visits);
    if (visits < MIN_HISTORY_VISITS) continue;
    const entry: TierHistory = { visits, escalationRate: row.tier === "router" ? 0 : Number(row.escalated) / visits, models: new Map() };
    history.set(historyKey(row.kind, row.feature ?? undefined, row.tier), entry);
  }
  for (const row of models) {
    const entry = history.get(historyKey(row.kind, row.feature ?? undefined, row.tier));
    if (!entry) continue;
    const billed = Number(row.billed);
    entry.models.set(row.model, {
      billedPerVisit: billed / entry.visits,
      outputTokensPerCall: billed === 0 ? 0 : Number(row.output_tokens) / billed,
    });
  }
  return history;
}
