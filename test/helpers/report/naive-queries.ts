import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../../../src/ledger/db/database.js";
import { LATENCY_BOUNDS_MS } from "../../../src/report/query/latency-histogram.js";

/**
 * What each rollup should hold, computed the slow, obvious way from the raw tables, written apart
 * from the triggers so a test comparing the two does not check the triggers against themselves.
 * A request's "first call in a group" is its lowest (attempt_no, id) in it.
 */
const ATTEMPT_MEASURES = `count(*)::text as calls,
  count(*) filter (where f_any)::text as requests,
  count(*) filter (where f_tier)::text as tier_requests,
  count(*) filter (where f_provider)::text as provider_requests,
  count(*) filter (where f_model)::text as model_requests,
  count(*) filter (where f_tier_provider)::text as tier_provider_requests,
  count(*) filter (where f_tier_model)::text as tier_model_requests,
  count(*) filter (where outcome = 'ok' and (provider <> tier_first_provider or model <> tier_first_model))::text as fallback_answers,
  sum(input_tokens)::text as input_tokens, sum(output_tokens)::text as output_tokens,
  sum(cache_read_tokens)::text as cache_read_tokens, sum(cache_write_tokens)::text as cache_write_tokens,
  sum(cache_write_1h_tokens)::text as cache_write_1h_tokens, sum(cost_usd)::text as cost_usd,
  sum(coalesce(possibly_billed_low_usd, 0))::numeric(20, 12)::text as possibly_billed_low_usd,
  sum(coalesce(possibly_billed_high_usd, 0))::numeric(20, 12)::text as possibly_billed_high_usd,
  sum(latency_ms)::text as latency_ms_sum`;

const FLAGGED_ATTEMPTS = `select a.*, (a.started_at at time zone 'UTC')::date::text as day,
    coalesce(r.batch_id, '') as batch_id, coalesce(r.feature, '') as feature, coalesce(r.kind, '') as kind,
    coalesce((r.created_at at time zone 'UTC')::date, (a.started_at at time zone 'UTC')::date)::text as request_day,
    coalesce(a.error_type, '') as error_key,
    row_number() over (partition by a.request_id order by a.attempt_no, a.id) = 1 as f_any,
    row_number() over (partition by a.request_id, a.tier order by a.attempt_no, a.id) = 1 as f_tier,
    row_number() over (partition by a.request_id, a.provider order by a.attempt_no, a.id) = 1 as f_provider,
    row_number() over (partition by a.request_id, a.provider, a.model order by a.attempt_no, a.id) = 1 as f_model,
    row_number() over (partition by a.request_id, a.tier, a.provider order by a.attempt_no, a.id) = 1 as f_tier_provider,
    row_number() over (partition by a.request_id, a.tier, a.provider, a.model order by a.attempt_no, a.id) = 1 as f_tier_model,
    first_value(a.provider) over tier_calls as tier_first_provider, first_value(a.model) over tier_calls as tier_first_model
  from attempts a left join requests r on r.id = a.request_id
  window tier_calls as (partition by a.request_id, a.tier order by a.attempt_no, a.id)`;

const ROLLUP_MEASURES = `calls::text, requests::text, tier_requests::text, provider_requests::text, model_requests::text,
  tier_provider_requests::text, tier_model_requests::text, fallback_answers::text, input_tokens::text, output_tokens::text,
  cache_read_tokens::text, cache_write_tokens::text, cache_write_1h_tokens::text, cost_usd::text,
  possibly_billed_low_usd::text, possibly_billed_high_usd::text, latency_ms_sum::text`;

type Row = Record<string, string>;

export const naiveAttemptDaily = (db: Db) =>
  queryRows<Row>(
    db,
    sql.raw(`select day, tier, provider, model, outcome, ${ATTEMPT_MEASURES} from (${FLAGGED_ATTEMPTS}) f
      group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`),
  );

export const rollupAttemptDaily = (db: Db) =>
  queryRows<Row>(
    db,
    sql.raw(`select day::text, tier, provider, model, outcome, ${ROLLUP_MEASURES} from attempt_rollup_daily order by 1, 2, 3, 4, 5`),
  );

export const naiveAttemptBatchDaily = (db: Db) =>
  queryRows<Row>(
    db,
    sql.raw(`select batch_id, day, request_day, feature, kind, tier, provider, model, outcome, error_key as error_type,
        ${ATTEMPT_MEASURES} from (${FLAGGED_ATTEMPTS}) f
      group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`),
  );

export const rollupAttemptBatchDaily = (db: Db) =>
  queryRows<Row>(
    db,
    sql.raw(`select batch_id, day::text, request_day::text, feature, kind, tier, provider, model, outcome, error_type,
        ${ROLLUP_MEASURES} from attempt_rollup_batch_daily order by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`),
  );

/** Calls per latency bucket, from width_bucket over the raw latencies and the bounds in the TS module. */
export const naiveHistogram = (db: Db) =>
  queryRows<Row>(
    db,
    sql`select day, tier, provider, model, outcome, b::text as bucket, count(*)::text as calls
        from (select (started_at at time zone 'UTC')::date::text as day, tier, provider, model, outcome,
                width_bucket(latency_ms, ${`{${LATENCY_BOUNDS_MS.join(",")}}`}::int[]) as b from attempts) a
        group by 1, 2, 3, 4, 5, b order by 1, 2, 3, 4, 5, b`,
  );

export const rollupHistogram = (db: Db) =>
  queryRows<Row>(
    db,
    sql`select day::text, tier, provider, model, outcome, (u.i - 1)::text as bucket, u.n::text as calls
        from attempt_rollup_daily, unnest(latency_hist) with ordinality as u(n, i)
        where u.n <> 0 order by 1, 2, 3, 4, 5, u.i`,
  );

const REQUEST_KEYS = `(created_at at time zone 'UTC')::date::text as day, coalesce(feature, '') as feature, status,
  coalesce(initial_tier, '') as initial_tier, coalesce(final_tier, '') as final_tier,
  coalesce(final_provider, '') as final_provider, coalesce(final_model, '') as final_model`;
const REQUEST_MEASURES = `count(*)::text as requests, count(*) filter (where escalations > 0)::text as escalated,
  sum(escalations)::text as escalations, sum(attempt_count)::text as attempts, sum(cost_usd)::text as cost_usd,
  sum(baseline_cost_usd)::text as baseline_cost_usd`;
const REQUEST_ROLLUP_MEASURES = `requests::text, escalated::text, escalations::text, attempts::text, cost_usd::text, baseline_cost_usd::text`;

export const naiveRequestDaily = (db: Db) =>
  queryRows<Row>(
    db,
    sql.raw(`select ${REQUEST_KEYS}, ${REQUEST_MEASURES} from requests group by 1, 2, 3, 4, 5, 6, 7 order by 1, 2, 3, 4, 5, 6, 7`),
  );

export const rollupRequestDaily = (db: Db) =>
  queryRows<Row>(
    db,
    sql.raw(`select day::text, feature, status, initial_tier, final_tier, final_provider, final_model, ${REQUEST_ROLLUP_MEASURES}
      from request_rollup_daily where requests <> 0 order by 1, 2, 3, 4, 5, 6, 7`),
  );

export const naiveRequestBatchDaily = (db: Db) =>
  queryRows<Row>(
    db,
    sql.raw(
      `select batch_id, ${REQUEST_KEYS}, ${REQUEST_MEASURES} from requests group by 1, 2, 3, 4, 5, 6, 7, 8 order by 1, 2, 3, 4, 5, 6, 7, 8`,
    ),
  );

export const rollupRequestBatchDaily = (db: Db) =>
  queryRows<Row>(
    db,
    sql.raw(`select batch_id, day::text, feature, status, initial_tier, final_tier, final_provider, final_model, ${REQUEST_ROLLUP_MEASURES}
      from request_rollup_batch_daily where requests <> 0 order by 1, 2, 3, 4, 5, 6, 7, 8`),
  );

/** Request rollup rows a finished group left behind at zero must be zero throughout. */
export const nonZeroEmptiedRequestRows = (db: Db) =>
  queryRows<Row>(
    db,
    sql`select * from (
          select 'daily' as rollup, escalated, escalations, attempts, cost_usd, baseline_cost_usd from request_rollup_daily where requests = 0
          union all
          select 'batch', escalated, escalations, attempts, cost_usd, baseline_cost_usd from request_rollup_batch_daily where requests = 0
        ) z where escalated <> 0 or escalations <> 0 or attempts <> 0 or cost_usd <> 0 or baseline_cost_usd <> 0`,
  );
