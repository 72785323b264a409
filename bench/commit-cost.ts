import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { openPostgres } from "../src/ledger/db/database.js";
import { createLedgerWriter } from "../src/ledger/ledger-writer.js";
import type { AttemptRecord, RequestOutcome } from "../src/ledger/records.js";
import { createBenchDatabase, percentile } from "./bench-env.js";

export interface CommitCostResult {
  /** Jobs per group commit (one attempt and one outcome each). */
  groupSize: number;
  commits: number;
  /** Median wall time of one group commit, rollup triggers on. */
  medianMs: number;
  /** The same rows with the rollup triggers disabled: what the triggers add. */
  bareMedianMs: number;
  /** Postgres time spent per 1,000 jobs at this group size (median × 1000 / groupSize). */
  msPer1000Jobs: number;
  bareMsPer1000Jobs: number;
}

const TRIGGERS = [
  ["attempts", "attempts_rollup_insert"],
  ["requests", "requests_rollup_update"],
] as const;

/**
 * The ledger commit alone, through the real group-commit writer: `groupSize` finished jobs (one
 * answered attempt each, and the request's ending) per transaction, with and without the rollup
 * triggers. Answers "Postgres time per 1,000 jobs" and what the rollups cost of it.
 */
export async function commitCost(groupSizes: number[] = [1, 8, 64], commits = 40): Promise<CommitCostResult[]> {
  const database = await createBenchDatabase("commit");
  const ledger = await openPostgres(database.url, { poolSize: 4 });
  await ledger.migrate();
  const batchId = `commit-${randomUUID()}`;
  await ledger.db.execute(sql`insert into batches (id, name) values (${batchId}, 'commit-bench')`);
  let serial = 0;
  const makeJobs = async (count: number) => {
    const ids = Array.from({ length: count }, () => `c-${serial++}`);
    await ledger.db.execute(
      sql`insert into requests (id, batch_id, kind, feature) select x, ${batchId}, 'classify', 'bench' from json_array_elements_text(${JSON.stringify(ids)}::json) as x`,
    );
    return ids;
  };
  const records = (id: string): { attempt: AttemptRecord; outcome: RequestOutcome } => {
    const now = new Date();
    return {
      attempt: {
        id: randomUUID(),
        requestId: id,
        attemptNo: 1,
        tier: "cheap",
        provider: "openai",
        model: "gpt-5-mini",
        outcome: "ok",
        latencyMs: 12,
        usage: { inputTokens: 120, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 },
        cost: 41_000_000n,
        startedAt: now,
        finishedAt: now,
      },
      outcome: {
        requestId: id,
        status: "succeeded",
        initialTier: "cheap",
        finalTier: "cheap",
        finalProvider: "openai",
        finalModel: "gpt-5-mini",
        escalations: 0,
        attemptCount: 1,
        classifier: "heuristic",
        cost: 41_000_000n,
        baselineCost: 90_000_000n,
        result: "billing",
        finishedAt: now,
      },
    };
  };
  const time = async (groupSize: number): Promise<number[]> => {
    const timings: number[] = [];
    for (let commit = 0; commit < commits + 3; commit++) {
      const ids = await makeJobs(groupSize);
      const writer = createLedgerWriter(ledger.db);
      const started = performance.now();
      // Handed over together: the writer puts them all in one transaction.
      await Promise.all(ids.map((id) => records(id)).map(({ attempt, outcome }) => writer.write([attempt], outcome)));
      if (commit >= 3) timings.push(performance.now() - started);
      await writer.close();
    }
    return timings.sort((a, b) => a - b);
  };
  const results: CommitCostResult[] = [];
  try {
    for (const groupSize of groupSizes) {
      const withTriggers = percentile(await time(groupSize), 50);
      for (const [table, trigger] of TRIGGERS) await ledger.db.execute(sql.raw(`alter table ${table} disable trigger ${trigger}`));
      const bare = percentile(await time(groupSize), 50);
      for (const [table, trigger] of TRIGGERS) await ledger.db.execute(sql.raw(`alter table ${table} enable trigger ${trigger}`));
      results.push({
        groupSize,
        commits,
        medianMs: withTriggers,
        bareMedianMs: bare,
        msPer1000Jobs: (withTriggers * 1000) / groupSize,
        bareMsPer1000Jobs: (bare * 1000) / groupSize,
      });
    }
  } finally {
    await ledger.close();
    await database.drop();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await commitCost()) process.stdout.write(`${JSON.stringify(row)}\n`);
}
