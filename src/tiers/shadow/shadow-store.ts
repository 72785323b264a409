import { sql } from "drizzle-orm";
import type { Db } from "../../ledger/db/database.js";
import { formatUsd, type Picodollars } from "../../pricing/money.js";
import type { TokenUsage } from "../../pricing/usage.js";

/** One shadow call: the top tier asked the same question a cheaper tier already answered. */
export interface ShadowCheck {
  id: string;
  requestId: string;
  /** The tier and model whose answer is being checked. */
  tier: string;
  model: string;
  /** The top tier's model that answered in the shadow. */
  topModel: string;
  outcome: "ok" | "invalid" | "error";
  /** Classify/extract: did the answers agree? Free text: no verdict (null). */
  agrees?: boolean;
  topAnswer?: string;
  usage: TokenUsage;
  /** The cost of measuring: kept out of the request's own cost. */
  cost: Picodollars;
  latencyMs: number;
  createdAt: Date;
}

export type ShadowStore = (check: ShadowCheck) => Promise<void>;

/** Shadow checks are sampled and few: one insert each, idempotent by id. */
export function createShadowStore(db: Db): ShadowStore {
  return async (check) => {
    await db.execute(sql`insert into shadow_checks (id, request_id, tier, model, top_model, outcome, agrees, top_answer,
        input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, latency_ms, created_at)
      values (${check.id}::uuid, ${check.requestId}, ${check.tier}, ${check.model}, ${check.topModel}, ${check.outcome},
        ${check.agrees ?? null}, ${check.topAnswer ?? null}, ${check.usage.inputTokens}, ${check.usage.outputTokens},
        ${check.usage.cacheReadTokens}, ${check.usage.cacheWriteTokens}, ${formatUsd(check.cost)}::numeric, ${check.latencyMs},
        ${check.createdAt.toISOString()}::timestamptz)
      on conflict (id) do nothing`);
  };
}
