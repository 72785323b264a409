import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "../../../src/ledger/db/database.js";
import { createLedgerWriter } from "../../../src/ledger/ledger-writer.js";
import type { AttemptRecord, RequestOutcome } from "../../../src/ledger/records.js";
import { ZERO_USAGE } from "../../../src/pricing/usage.js";

/** mulberry32: a small seeded generator, so a failing dataset can be made again. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const TIERS = [
  {
    name: "cheap",
    models: [
      ["openai", "gpt-5-mini"],
      ["anthropic", "claude-haiku-4-5"],
    ],
  },
  {
    name: "balanced",
    models: [
      ["anthropic", "claude-sonnet-4-6"],
      ["openai", "gpt-5.1"],
    ],
  },
  {
    name: "premium",
    models: [
      ["anthropic", "claude-opus-4-7"],
      ["openai", "gpt-5.2"],
    ],
  },
] as const;

/** Batches and queued requests, as the producer writes them (one multi-row insert per call). */
export async function insertRequests(
  db: Db,
  rows: { id: string; batchId: string; feature?: string | null; createdAt: string; kind?: string }[],
): Promise<void> {
  const batches = [...new Set(rows.map((row) => row.batchId))];
  await db.execute(
    sql`insert into batches (id, name) values ${sql.join(
      batches.map((id) => sql`(${id}, ${`batch ${id}`})`),
      sql`, `,
    )}
        on conflict (id) do nothing`,
  );
  await db.execute(
    sql`insert into requests (id, batch_id, kind, feature, created_at) values ${sql.join(
      rows.map((row) => sql`(${row.id}, ${row.batchId}, ${row.kind ?? "classify"}, ${row.feature ?? null}, ${row.createdAt}::timestamptz)`),
      sql`, `,
    )}`,
  );
}

export interface AttemptRow {
  id?: string;
  requestId: string;
  attemptNo: number;
  tier: string;
  provider: string;
  model: string;
  outcome: "ok" | "invalid" | "error";
  latencyMs: number;
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  cacheWrite1hTokens?: number;
  costUsd: string;
  startedAt: string;
}

/** Attempts straight into the table, in one statement (fires the statement trigger once). */
export async function insertAttempts(db: Db, rows: AttemptRow[]): Promise<void> {
  await db.execute(
    sql`insert into attempts (id, request_id, attempt_no, tier, provider, model, outcome, latency_ms, input_tokens, output_tokens,
          cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd, started_at, finished_at)
        values ${sql.join(
          rows.map(
            (row) => sql`(${row.id ?? randomUUID()}::uuid, ${row.requestId}, ${row.attemptNo}, ${row.tier}, ${row.provider}, ${row.model},
              ${row.outcome}, ${row.latencyMs}, ${row.inputTokens ?? 0}, ${row.outputTokens ?? 0}, ${row.cacheReadTokens ?? 0},
              ${row.cacheWriteTokens ?? 0}, ${row.cacheWrite1hTokens ?? 0}, ${row.costUsd}::numeric, ${row.startedAt}::timestamptz,
              ${row.startedAt}::timestamptz + ${row.latencyMs} * interval '1 millisecond')`,
          ),
          sql`, `,
        )}`,
  );
}

/** Ends queued requests the way the ledger writer does (`... where status = 'queued'`). */
export async function finishRequests(
  db: Db,
  rows: {
    id: string;
    status: "succeeded" | "failed";
    initialTier: string;
    finalTier: string;
    finalProvider?: string | null;
    finalModel?: string | null;
    escalations: number;
    attemptCount: number;
    costUsd: string;
    baselineCostUsd: string;
  }[],
): Promise<void> {
  await db.execute(
    sql`update requests r set status = v.status, initial_tier = v.initial_tier, final_tier = v.final_tier,
          final_provider = v.final_provider, final_model = v.final_model, escalations = v.escalations,
          attempt_count = v.attempt_count, cost_usd = v.cost_usd, baseline_cost_usd = v.baseline_cost_usd, finished_at = now()
        from (values ${sql.join(
          rows.map(
            (
              row,
            ) => sql`(${row.id}, ${row.status}, ${row.initialTier}, ${row.finalTier}, ${row.finalProvider ?? null}, ${row.finalModel ?? null},
              ${row.escalations}::int, ${row.attemptCount}::int, ${row.costUsd}::numeric, ${row.baselineCostUsd}::numeric)`,
          ),
          sql`, `,
        )}) as v(id, status, initial_tier, final_tier, final_provider, final_model, escalations, attempt_count, cost_usd, baseline_cost_usd)
        where r.id = v.id and r.status = 'queued'`,
  );
}

export interface GeneratedLedger {
  requests: number;
  attempts: number;
  batches: string[];
}

/**
 * A random but reproducible ledger, written the way production writes it: requests inserted queued
 * in chunks, then every job's calls and ending handed to the real ledger writer, many at once, so
 * its group commits put many requests' rows in one statement. Calls start across several UTC days,
 * over a month boundary, a few minutes before midnight (so a request's calls can span two days)
 * and, for some, in 2025 (so they land in the default partition).
 */
export async function generateLedger(db: Db, options: { seed: number; requests: number; batchPrefix: string }): Promise<GeneratedLedger> {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const days = ["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02", "2025-06-15"];
  const features = ["support-triage", "news-digest", "invoice-extraction", null];
  const batches = Array.from({ length: 4 }, (_, index) => `${options.batchPrefix}-${index}`);
  const jobs = Array.from({ length: options.requests }, (_, index) => {
    const day = pick(days);
    const nearMidnight = random() < 0.15;
    const seconds = nearMidnight ? 86_400 - 20 - Math.floor(random() * 30) : Math.floor(random() * 80_000);
    const created = new Date(Date.parse(`${day}T00:00:00Z`) + seconds * 1000);
    return { id: `${options.batchPrefix}-r${index}`, batchId: pick(batches), feature: pick(features), created };
  });
  for (let start = 0; start < jobs.length; start += 50) {
    await insertRequests(
      db,
      jobs
        .slice(start, start + 50)
        .map((job) => ({ id: job.id, batchId: job.batchId, feature: job.feature, createdAt: job.created.toISOString() })),
    );
  }

  const ledger = createLedgerWriter(db);
  let attempts = 0;
  const writes: Promise<void>[] = [];
  for (const job of jobs) {
    const records: AttemptRecord[] = [];
    let clock = job.created.getTime() + 1_000;
    let tierIndex = Math.floor(random() * 2);
    const initialTier = TIERS[tierIndex]!.name;
    let answered: AttemptRecord | undefined;
    let escalations = 0;
    while (!answered && tierIndex < TIERS.length) {
      const tier = TIERS[tierIndex]!;
      for (const [provider, model] of tier.models) {
        const tries = random() < 0.2 ? 2 : 1;
        for (let attempt = 0; attempt < tries && !answered; attempt++) {
          const roll = random();
          const outcome = roll < 0.7 ? "ok" : roll < 0.85 ? "invalid" : "error";
          const latencyMs = outcome === "error" && random() < 0.3 ? 0 : Math.floor(random() ** 2 * 40_000);
          const inputTokens = outcome === "error" ? 0 : 50 + Math.floor(random() * 5_000);
          const cacheReadTokens = inputTokens > 0 && random() < 0.3 ? Math.floor(inputTokens / 3) : 0;
          const cacheWriteTokens = inputTokens > 0 && provider === "anthropic" && random() < 0.3 ? Math.floor(inputTokens / 4) : 0;
          const usage = {
            ...ZERO_USAGE,
            inputTokens,
            outputTokens: outcome === "error" ? 0 : Math.floor(random() * 800),
            cacheReadTokens,
            cacheWriteTokens,
            cacheWrite1hTokens: cacheWriteTokens > 0 && random() < 0.5 ? Math.floor(cacheWriteTokens / 2) : 0,
          };
          const startedAt = new Date(clock);
          clock += latencyMs + 500;
          const record: AttemptRecord = {
            id: randomUUID(),
            requestId: job.id,
            attemptNo: records.length + 1,
            tier: tier.name,
            provider,
            model,
            outcome,
            ...(outcome === "error" ? { errorType: "rate_limited", httpStatus: 429 } : {}),
            latencyMs,
            usage,
            // Any exact amount will do: these tests compare sums, not prices.
            cost: outcome === "error" ? 0n : BigInt(Math.floor(random() * 9_000_000_000)) + 1n,
            startedAt,
            finishedAt: new Date(startedAt.getTime() + latencyMs),
          };
          records.push(record);
          if (outcome === "ok") answered = record;
        }
        if (answered) break;
      }
      if (!answered) {
        tierIndex++;
        if (tierIndex < TIERS.length) escalations++;
      }
    }
    attempts += records.length;
    const last = records[records.length - 1]!;
    const outcome: RequestOutcome = {
      requestId: job.id,
      status: answered ? "succeeded" : "failed",
      initialTier,
      finalTier: last.tier,
      ...(answered ? { finalProvider: answered.provider, finalModel: answered.model } : {}),
      escalations,
      attemptCount: records.length,
      cost: records.reduce((sum, record) => sum + record.cost, 0n),
      baselineCost: answered ? answered.cost * 3n : 0n,
      finishedAt: new Date(clock),
    };
    // Like a tier worker: the calls of tiers climbed past are written first, the last tier's with the ending.
    const lastTierStart = records.findIndex((record) => record.tier === last.tier);
    if (lastTierStart > 0) writes.push(ledger.write(records.slice(0, lastTierStart)));
    writes.push(ledger.write(records.slice(lastTierStart), outcome));
  }
  await Promise.all(writes);
  await ledger.close();
  return { requests: jobs.length, attempts, batches };
}
