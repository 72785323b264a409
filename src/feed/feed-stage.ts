import { sql } from "drizzle-orm";
import type { Queue } from "bullmq";
import type { Db } from "../ledger/db/database.js";
import { STAGE_JOB_OPTIONS } from "../queue/job-options.js";
import { INTAKE_STAGE } from "../queue/queue-names.js";

interface BacklogRow {
  id: string;
  batch_id: string;
  kind: string;
  /** JSON text (requests.payload). */
  payload: string;
}

/**
 * Moves up to `room` jobs of one stage from the Postgres backlog into its queue, in one transaction:
 * the rows are locked (SKIP LOCKED: a second feeder, e.g. one whose lock expired mid-tick, takes
 * others), added in one addBulk under jobId = request id, then marked fed. A crash before the commit
 * leaves them unfed with the jobs possibly in Redis: the next feed adds them again under the same
 * ids, which BullMQ ignores, so a job id is never in a queue twice.
 *
 * Fair between batches: each batch with a backlog offers its oldest `room` jobs (enqueue order,
 * requests.seq) and they are dealt round robin — the first of each batch, then the second of each…,
 * the older batch first in each turn.
 * Batches are found by a skip scan of requests_backlog_idx, so the cost grows with the batches that
 * wait, not with their jobs. Returns the number of jobs added.
 */
export async function feedStage(
  db: Db,
  stage: string,
  queue: Queue,
  room: number,
  /** Asked right before the add (after the backlog read): false leaves the picked rows unfed this time. */
  mayFeed?: () => Promise<boolean>,
): Promise<number> {
  if (room <= 0) return 0;
  return db.transaction(async (tx) => {
    const picked = (
      (await tx.execute(sql`
      with recursive waiting(batch_id) as (
        (select batch_id from requests where stage = ${stage} and fed_at is null and status = 'queued' order by batch_id limit 1)
        union all
        select (select r.batch_id from requests r
                 where r.stage = ${stage} and r.fed_at is null and r.status = 'queued' and r.batch_id > w.batch_id
                 order by r.batch_id limit 1)
        from waiting w where w.batch_id is not null
      ),
      offered as (
        select c.id, c.batch_id, c.seq, c.kind, c.payload
        from waiting w
        cross join lateral (
          select r.id, r.batch_id, r.seq, r.kind, r.payload from requests r
          where r.stage = ${stage} and r.batch_id = w.batch_id and r.fed_at is null and r.status = 'queued'
          order by r.seq limit ${room}
          for update skip locked
        ) c
        where w.batch_id is not null
      )
      select id, batch_id, kind, payload from (
        select o.*, row_number() over (partition by o.batch_id order by o.seq) as turn,
               min(o.seq) over (partition by o.batch_id) as first_seq
        from offered o
      ) dealt
      order by turn, first_seq
      limit ${room}`)) as unknown as { rows: BacklogRow[] }
    ).rows;
    if (picked.length === 0) return 0;
    if (mayFeed && !(await mayFeed())) return 0;
    await queue.addBulk(
      picked.map((row) => ({
        // As intake names them (the job's kind) and as the tiers name theirs (the tier).
        name: stage === INTAKE_STAGE ? row.kind : stage,
        data: JSON.parse(row.payload) as unknown,
        opts: { ...STAGE_JOB_OPTIONS, jobId: row.id },
      })),
    );
    const ids = sql.join(
      picked.map((row) => sql`${row.id}`),
      sql`, `,
    );
    await tx.execute(sql`update requests set fed_at = now() where id in (${ids})`);
    return picked.length;
  });
}
