import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../ledger/db/database.js";
import { historyKey, kindHistoryKey, kindOutputKey, MIN_HISTORY_VISITS, type History } from "./history.js";

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
  // Per kind and feature, and per kind over every feature (summed from the same rows).
  const byKind = new Map<string, TierRow>();
  for (const row of tiers) {
    const key = kindHistoryKey(row.kind, row.tier);
    const sum = byKind.get(key);
    if (sum) {
      sum.visits = String(Number(sum.visits) + Number(row.visits));
      sum.escalated = String(Number(sum.escalated) + Number(row.escalated));
    } else byKind.set(key, { ...row });
  }
  const trusted = (row: TierRow, key: string) => {
    const visits = Number(row.visits);
    if (visits < MIN_HISTORY_VISITS) return;
    history.set(key, { visits, escalationRate: row.tier === "router" ? 0 : Number(row.escalated) / visits, models: new Map() });
  };
  for (const row of tiers) trusted(row, historyKey(row.kind, row.feature ?? undefined, row.tier));
  for (const [key, row] of byKind) trusted(row, key);
  const modelSums = new Map<string, { billed: number; output: number }>();
  for (const row of models) {
    const add = (key: string) => {
      const sum = modelSums.get(key) ?? { billed: 0, output: 0 };
      sum.billed += Number(row.billed);
      sum.output += Number(row.output_tokens);
      modelSums.set(key, sum);
    };
    add(`${historyKey(row.kind, row.feature ?? undefined, row.tier)}\u0002${row.model}`);
    add(`${kindHistoryKey(row.kind, row.tier)}\u0002${row.model}`);
  }
  const kindOutputs = new Map<string, { billed: number; output: number }>();
  for (const row of models) {
    if (row.tier === "router") continue;
    const sum = kindOutputs.get(row.kind) ?? { billed: 0, output: 0 };
    sum.billed += Number(row.billed);
    sum.output += Number(row.output_tokens);
    kindOutputs.set(row.kind, sum);
  }
  for (const [kind, { billed, output }] of kindOutputs) {
    if (billed < MIN_HISTORY_VISITS) continue;
    history.set(kindOutputKey(kind), {
      visits: billed,
      escalationRate: 0,
      models: new Map([["*", { billedPerVisit: 0, outputTokensPerCall: output / billed }]]),
    });
  }
  for (const [key, { billed, output }] of modelSums) {
    const [tierKey, model] = key.split("\u0002") as [string, string];
    const entry = history.get(tierKey);
    if (!entry) continue;
    entry.models.set(model, { billedPerVisit: billed / entry.visits, outputTokensPerCall: billed === 0 ? 0 : output / billed });
  }
  return history;
}
