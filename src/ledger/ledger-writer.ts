import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./db/database.js";
import { formatUsd } from "../pricing/money.js";
import type { AttemptRecord, RequestOutcome, RoutingRecord } from "./records.js";

/** What one job hands the writer: its new attempts and, when it is done, how it ended. */
interface PendingWrite {
  attempts: AttemptRecord[];
  outcome?: RequestOutcome;
  routing?: RoutingRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface LedgerWriter {
  /** Resolves once the rows are committed. Attempts are idempotent by id, the outcome by status. */
  write(attempts: AttemptRecord[], outcome?: RequestOutcome): Promise<void>;
  /** Intake's routing features for a queued request; group-committed like the rest. */
  writeRouting(routing: RoutingRecord): Promise<void>;
  /** Waits for everything handed over so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Keeps each statement well under Postgres' 65,535 bind parameters (26 per attempt row). */
const MAX_ATTEMPT_ROWS_PER_STATEMENT = 2_000;
const MAX_OUTCOME_ROWS_PER_STATEMENT = 2_000;

export interface LedgerWriterOptions {
  /**
   * Transactions in flight at once. Default 1. More lets a job's rows go out while an earlier group
   * still commits, instead of queueing behind it; the rollup upserts lock their rows in key order,
   * so concurrent groups wait for each other on a shared rollup row but cannot deadlock there.
   */
  concurrentCommits?: number;
}

/**
 * Group commit: while `concurrentCommits` transactions are in flight, every job that finishes queues
 * behind them, and the next transaction writes all of them in a few multi-row statements. Under load
 * that turns thousands of tiny transactions into a handful of large ones; when idle, a write goes out
 * at once. Each caller's promise settles only when its rows are durable.
 */
export function createLedgerWriter(db: Db, options: LedgerWriterOptions = {}): LedgerWriter {
  const maxInFlight = Math.max(1, options.concurrentCommits ?? 1);
  let pending: PendingWrite[] = [];
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const pump = (): void => {
    while (inFlight.size < maxInFlight && pending.length > 0) {
      const group = pending;
      pending = [];
      const commit: Promise<void> = commitGroup(db, group)
        .then(
          () => group.forEach((write) => write.resolve()),
          (error) => group.forEach((write) => write.reject(error)),
        )
        .finally(() => {
          inFlight.delete(commit);
          pump();
        });
      inFlight.add(commit);
    }
  };

  return {
    write(attempts, outcome) {
      if (closed) return Promise.reject(new Error("ledger writer is closed"));
      if (attempts.length === 0 && !outcome) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        pending.push({ attempts, outcome, resolve, reject });
        pump();
      });
    },
    writeRouting(routing) {
      if (closed) return Promise.reject(new Error("ledger writer is closed"));
      return new Promise<void>((resolve, reject) => {
        pending.push({ attempts: [], routing, resolve, reject });
        pump();
      });
    },
    async flush() {
      pump();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      closed = true;
      await this.flush();
    },
  };
}

async function commitGroup(db: Db, group: PendingWrite[]): Promise<void> {
  const attempts = group.flatMap((write) => write.attempts);
  const outcomes = group.flatMap((write) => (write.outcome ? [write.outcome] : []));
  const routings = group.flatMap((write) => (write.routing ? [write.routing] : []));
  await db.transaction(async (tx) => {
    // Before the outcomes: a request finished in the same group keeps its features.
    for (let start = 0; start < routings.length; start += MAX_OUTCOME_ROWS_PER_STATEMENT) {
      await tx.execute(recordRouting(routings.slice(start, start + MAX_OUTCOME_ROWS_PER_STATEMENT)));
    }
    for (let start = 0; start < attempts.length; start += MAX_ATTEMPT_ROWS_PER_STATEMENT) {
      await tx.execute(insertAttempts(attempts.slice(start, start + MAX_ATTEMPT_ROWS_PER_STATEMENT)));
    }
    for (let start = 0; start < outcomes.length; start += MAX_OUTCOME_ROWS_PER_STATEMENT) {
      await tx.execute(finishRequests(outcomes.slice(start, start + MAX_OUTCOME_ROWS_PER_STATEMENT)));
    }
  });
}

const nullable = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/**
 * Postgres text refuses U+0000 and would fail the whole group commit, retried forever. Answers are
 * checked at the provider boundary (check-answer.ts); this keeps any other text (an error message
 * quoting a provider's body) storable, marked with U+FFFD where a NUL was.
 */
const storable = (value: string | undefined): string | null => (value === undefined ? null : value.replaceAll("\u0000", "\uFFFD"));

function insertAttempts(rows: AttemptRecord[]): SQL {
  const values = rows.map(
    (a) => sql`(${a.id}::uuid, ${a.requestId}, ${a.attemptNo}, ${a.tier}, ${a.provider}, ${a.model}, ${a.outcome},
      ${storable(a.errorType)}, ${nullable(a.httpStatus)}, ${a.latencyMs}, ${a.usage.inputTokens}, ${a.usage.outputTokens},
      ${a.usage.cacheReadTokens}, ${a.usage.cacheWriteTokens}, ${a.usage.cacheWrite1hTokens}, ${formatUsd(a.cost)}::numeric,
      ${a.costEstimated ?? false}, ${nullable(a.usageIssue)},
      ${a.possiblyBilled ? formatUsd(a.possiblyBilled.low) : null}::numeric, ${a.possiblyBilled ? formatUsd(a.possiblyBilled.high) : null}::numeric,
      ${a.startedAt.toISOString()}::timestamptz, ${a.finishedAt.toISOString()}::timestamptz, ${nullable(a.providerRequestId)},
      ${a.batch ? "batch" : "realtime"}, ${a.batch?.providerBatchId ?? null}, ${a.batch ? formatUsd(a.batch.realtimeCost) : null}::numeric)`,
  );
  return sql`insert into attempts (id, request_id, attempt_no, tier, provider, model, outcome, error_type, http_status,
      latency_ms, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd,
      cost_estimated, usage_issue, possibly_billed_low_usd, possibly_billed_high_usd, started_at, finished_at, provider_request_id,
      lane, provider_batch_id, realtime_cost_usd)
    values ${sql.join(values, sql`, `)}
    on conflict (id, started_at) do nothing`;
}

/** Only a queued request is finished: a job that runs twice (a redelivery) cannot overwrite the first ending. */
function finishRequests(rows: RequestOutcome[]): SQL {
  const values = rows.map(
    (o) => sql`(${o.requestId}, ${o.status}, ${nullable(o.initialTier)}, ${nullable(o.finalTier)}, ${nullable(o.finalProvider)},
      ${nullable(o.finalModel)}, ${o.escalations}::int, ${o.attemptCount}::int, ${nullable(o.classifier)}, ${storable(o.routingReason)},
      ${nullable(o.complexityScore)}::real, ${formatUsd(o.cost)}::numeric, ${formatUsd(o.baselineCost)}::numeric,
      ${storable(o.result)}, ${storable(o.error)}, ${o.finishedAt.toISOString()}::timestamptz)`,
  );
  return sql`update requests r set
      status = v.status, initial_tier = v.initial_tier, final_tier = v.final_tier, final_provider = v.final_provider,
      final_model = v.final_model, escalations = v.escalations, attempt_count = v.attempt_count,
      classifier = v.classifier, routing_reason = v.routing_reason, complexity_score = v.complexity_score,
      cost_usd = v.cost_usd, baseline_cost_usd = v.baseline_cost_usd, result = v.result, error = v.error,
      finished_at = v.finished_at
    from (values ${sql.join(values, sql`, `)}) as v(id, status, initial_tier, final_tier, final_provider, final_model,
      escalations, attempt_count, classifier, routing_reason, complexity_score, cost_usd, baseline_cost_usd, result,
      error, finished_at)
    where r.id = v.id and r.status = 'queued'`;
}

/** Features are set once: a redelivered intake job recomputes the same ones and changes nothing. */
function recordRouting(rows: RoutingRecord[]): SQL {
  const values = rows.map((r) => sql`(${r.requestId}, ${JSON.stringify(r.features)}::jsonb, ${nullable(r.prompt)})`);
  return sql`update requests r set routing_features = v.features, prompt = coalesce(v.prompt, r.prompt)
    from (values ${sql.join(values, sql`, `)}) as v(id, features, prompt)
    where r.id = v.id and r.routing_features is null`;
}
