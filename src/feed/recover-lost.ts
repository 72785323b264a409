import { sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import { queryRows, type Db } from "../ledger/db/database.js";
import type { RouterConfig } from "../config/router-config-schema.js";
import { bullJobKey, laneKeys } from "../queue/redis-keys.js";

/** A tier's model whose batch lane may hold requests (src/batch-lane/). */
export interface LaneRef {
  tier: string;
  provider: string;
  model: string;
}

/** Every batch lane the config can fill: each tier's models that use the provider's batch API. */
export function batchLanesOf(config: Pick<RouterConfig, "tiers">): LaneRef[] {
  return config.tiers.flatMap((tier) =>
    tier.models.filter((model) => model.batchApi).map((model) => ({ tier: tier.name, provider: model.provider, model: model.model })),
  );
}

export interface RecoveryReport {
  /** Queued requests fed at least `olderThanMs` ago that were looked for in Redis. */
  checked: number;
  /** Those no queue held: marked unfed, so the feeder adds them again. */
  lost: string[];
}

/** Requests looked up per round: one SELECT, one pipeline of EXISTS (one per queue per id), one UPDATE. */
const PAGE_SIZE = 1_000;
/** How many lost ids a report lists (the count is always whole). */
const MAX_LISTED = 20;

/**
 * Finds the requests Postgres says are queued and in Redis (fed at least `olderThanMs` ago) that no
 * BullMQ queue holds in any state — Redis lost them (a flush, a failover without AOF, an eviction) —
 * and marks them unfed, so the feeder adds them again. Looks for the job's hash in every queue
 * (intake and each tier: an escalated job keeps its id), because a job is always in at least one:
 * a stage adds the next queue's job before it completes its own. A request waiting in a batch lane
 * (its BullMQ job completed into the lane, the row still queued — for hours, at the provider) is held
 * in the lane's `held` hash until its result is ingested, so that counts as Redis holding it too;
 * and one whose item sits in an open provider batch not yet ingested (`provider_batch_items`) is
 * left alone whatever Redis lost: the lane's poller restores that item from Postgres and ingests
 * its result, so feeding it again would only call (and pay) twice.
 *
 * Safe with workers running and idempotent: a job that is anywhere in Redis is left alone, and only
 * a row still queued and fed is changed. `olderThanMs` protects the job that was running when Redis
 * lost its key: it ends (and writes its row) before it could be fed again. A call it was making may
 * be made again by the new run; both are recorded in `attempts`.
 */
export async function recoverLostJobs(
  deps: { db: Db; redis: Redis; prefix: string; queueNames: readonly string[]; lanes?: readonly LaneRef[] },
  olderThanMs: number,
): Promise<RecoveryReport & { lostCount: number }> {
  const report = { checked: 0, lost: [] as string[], lostCount: 0 };
  let after: { fedAt: string; id: string } | undefined;
  for (;;) {
    const page = await queryRows<{ id: string; fed_at: string }>(
      deps.db,
      sql`select id, fed_at::text from requests
          where status = 'queued' and fed_at is not null and payload is not null
            and fed_at <= now() - make_interval(secs => ${olderThanMs / 1000})
            and not exists (select 1 from provider_batch_items i join provider_batches b on b.id = i.submission_id
              where i.request_id = requests.id and b.state in ('submitting', 'submitted', 'ingesting')
                and not exists (select 1 from attempts a where a.id = i.attempt_id))
            ${after ? sql`and (fed_at, id) > (${after.fedAt}::timestamptz, ${after.id})` : sql``}
          order by fed_at, id limit ${PAGE_SIZE}`,
    );
    if (page.length === 0) break;
    after = { fedAt: page.at(-1)!.fed_at, id: page.at(-1)!.id };
    report.checked += page.length;
    const pipeline = deps.redis.pipeline();
    const heldKeys = (deps.lanes ?? []).map((lane) => laneKeys(deps.prefix, lane).held);
    const perRow = deps.queueNames.length + heldKeys.length;
    for (const row of page) {
      for (const queue of deps.queueNames) pipeline.exists(bullJobKey(deps.prefix, queue, row.id));
      for (const held of heldKeys) pipeline.hexists(held, row.id);
    }
    const answers = (await pipeline.exec()) ?? [];
    const lost = page.filter((_, index) =>
      Array.from({ length: perRow }).every((_place, q) => {
        const [error, exists] = answers[index * perRow + q] ?? [null, 1];
        if (error) throw error;
        return exists === 0;
      }),
    );
    if (lost.length === 0) continue;
    const marked = await queryRows<{ id: string }>(
      deps.db,
      sql`update requests set fed_at = null
          where status = 'queued' and fed_at is not null and id in (${sql.join(
            lost.map((row) => sql`${row.id}`),
            sql`, `,
          )}) returning id`,
    );
    report.lostCount += marked.length;
    for (const row of marked) if (report.lost.length < MAX_LISTED) report.lost.push(row.id);
  }
  return report;
}
