-- Reporting at scale (docs/reports.md), hand-written: drizzle cannot express partitions, triggers
-- or SQL functions. src/db/schema.ts describes the same tables, columns, keys and indexes.
--
--   1. Latency histogram helpers.
--   2. Four rollup tables, kept current by statement-level triggers: one upsert per group per
--      statement, in the writer's own transaction, so a report reads thousands of rows, not millions.
--   3. `attempts` becomes partitioned by month on started_at. Its existing rows are copied into the
--      new table through the new triggers, so the attempt rollups are built by the production code.
--   4. The request rollups are filled from the existing requests, then their triggers go on.
--
-- Writes are blocked while this runs (one transaction); a large ledger should migrate in a quiet window.
LOCK TABLE "attempts" IN ACCESS EXCLUSIVE MODE;--> statement-breakpoint
LOCK TABLE "requests" IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint

------------------------------------------------------------------------------------------------
-- 1. Latency histograms: one count per fixed log-scale bucket, so percentiles can be read from
--    rollups. Bucket 0 holds 0 ms; bucket b >= 1 holds [bounds[b], bounds[b+1]) ms, the last one
--    everything from 1,048,576 ms (17.5 min) up. The bounds are ceil(2^(k/4)) for k = 0..80,
--    de-duplicated: every integer up to 7 ms has its own bucket, and no bucket is wider than ~19%,
--    so the estimate below is within 9.1% of the true (nearest-rank) percentile.
--    src/report/latency-histogram.ts holds the same bounds.
------------------------------------------------------------------------------------------------
CREATE FUNCTION latency_hist_bounds() RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '{1,2,3,4,5,6,7,8,10,12,14,16,20,23,27,32,39,46,54,64,77,91,108,128,153,182,216,256,305,363,431,512,609,725,862,1024,1218,1449,1723,2048,2436,2897,3445,4096,4871,5793,6889,8192,9742,11586,13778,16384,19484,23171,27555,32768,38968,46341,55109,65536,77936,92682,110218,131072,155872,185364,220436,262144,311744,370728,440872,524288,623488,741456,881744,1048576}'::integer[]
$$;--> statement-breakpoint

-- 0-based bucket of a latency: 0 below 1 ms, b when bounds[b] <= ms < bounds[b+1].
CREATE FUNCTION latency_bucket(latency_ms integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT width_bucket(latency_ms, latency_hist_bounds())
$$;--> statement-breakpoint

-- A dense histogram (one element per bucket) from bucket numbers, each counted `weights[i]` times
-- (1 when weights is NULL; -1 takes a call back out).
CREATE FUNCTION latency_hist_of(buckets integer[], weights bigint[] DEFAULT NULL) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_agg(coalesce(c.n, 0) ORDER BY g.b)
  FROM generate_series(0, cardinality(latency_hist_bounds())) AS g(b)
  LEFT JOIN (
    SELECT u.b, sum(coalesce(u.w, 1))::bigint AS n FROM unnest(buckets, weights) AS u(b, w) WHERE u.b IS NOT NULL GROUP BY u.b
  ) AS c ON c.b = g.b
$$;--> statement-breakpoint

CREATE FUNCTION latency_hist_add(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN a IS NULL THEN b
    WHEN b IS NULL THEN a
    ELSE (SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i))
  END
$$;--> statement-breakpoint

-- Sums histograms of several rollup rows: latency_hist_sum(latency_hist) ... GROUP BY tier.
CREATE AGGREGATE latency_hist_sum(bigint[]) (
  SFUNC = latency_hist_add, STYPE = bigint[], COMBINEFUNC = latency_hist_add, PARALLEL = SAFE
);--> statement-breakpoint

-- The `fraction` percentile (0.95 for p95) of a histogram, in ms: the nearest-rank percentile's
-- bucket (the first whose running count reaches fraction x total, as percentile_disc ranks),
-- reported as the geometric middle of the bucket's integer range. NULL for an empty histogram; the
-- open last bucket reports its lower bound.
CREATE FUNCTION latency_hist_percentile(hist bigint[], fraction numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH buckets AS (
    SELECT u.i::integer - 1 AS b, sum(u.n) OVER (ORDER BY u.i) AS running, sum(u.n) OVER () AS total
    FROM unnest(hist) WITH ORDINALITY AS u(n, i)
  ), bounds AS (SELECT latency_hist_bounds() AS t)
  SELECT CASE
    WHEN k.b = 0 THEN 0::numeric
    WHEN k.b >= cardinality(bounds.t) THEN bounds.t[cardinality(bounds.t)]::numeric
    ELSE round(sqrt(bounds.t[k.b]::numeric * (bounds.t[k.b + 1] - 1)), 1)
  END
  FROM bounds, (
    SELECT b FROM buckets WHERE total > 0 AND running >= greatest(fraction * total, 1) ORDER BY b LIMIT 1
  ) AS k
$$;--> statement-breakpoint

------------------------------------------------------------------------------------------------
-- 2. Rollup tables. '' stands for "none" in text keys (a primary key cannot hold NULL). `day` is
--    the UTC date: of the call's start for attempts, of the request's creation for requests.
------------------------------------------------------------------------------------------------
CREATE TABLE "attempt_rollup_daily" (
	"day" date NOT NULL,
	"tier" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"outcome" text NOT NULL,
	"calls" bigint DEFAULT 0 NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"tier_requests" bigint DEFAULT 0 NOT NULL,
	"provider_requests" bigint DEFAULT 0 NOT NULL,
	"model_requests" bigint DEFAULT 0 NOT NULL,
	"tier_provider_requests" bigint DEFAULT 0 NOT NULL,
	"tier_model_requests" bigint DEFAULT 0 NOT NULL,
	"fallback_answers" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_1h_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	"latency_ms_sum" bigint DEFAULT 0 NOT NULL,
	"latency_hist" bigint[] NOT NULL,
	CONSTRAINT "attempt_rollup_daily_pkey" PRIMARY KEY("day","tier","provider","model","outcome")
);--> statement-breakpoint
CREATE TABLE "attempt_rollup_batch_daily" (
	"batch_id" text NOT NULL,
	"day" date NOT NULL,
	"feature" text NOT NULL,
	"tier" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"outcome" text NOT NULL,
	"calls" bigint DEFAULT 0 NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"tier_requests" bigint DEFAULT 0 NOT NULL,
	"provider_requests" bigint DEFAULT 0 NOT NULL,
	"model_requests" bigint DEFAULT 0 NOT NULL,
	"tier_provider_requests" bigint DEFAULT 0 NOT NULL,
	"tier_model_requests" bigint DEFAULT 0 NOT NULL,
	"fallback_answers" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_1h_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	"latency_ms_sum" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "attempt_rollup_batch_daily_pkey" PRIMARY KEY("batch_id","day","feature","tier","provider","model","outcome")
);--> statement-breakpoint
CREATE TABLE "request_rollup_daily" (
	"day" date NOT NULL,
	"feature" text NOT NULL,
	"status" text NOT NULL,
	"initial_tier" text NOT NULL,
	"final_tier" text NOT NULL,
	"final_provider" text NOT NULL,
	"final_model" text NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"escalated" bigint DEFAULT 0 NOT NULL,
	"escalations" bigint DEFAULT 0 NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	"baseline_cost_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	CONSTRAINT "request_rollup_daily_pkey" PRIMARY KEY("day","feature","status","initial_tier","final_tier","final_provider","final_model")
);--> statement-breakpoint
CREATE TABLE "request_rollup_batch_daily" (
	"batch_id" text NOT NULL,
	"day" date NOT NULL,
	"feature" text NOT NULL,
	"status" text NOT NULL,
	"initial_tier" text NOT NULL,
	"final_tier" text NOT NULL,
	"final_provider" text NOT NULL,
	"final_model" text NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"escalated" bigint DEFAULT 0 NOT NULL,
	"escalations" bigint DEFAULT 0 NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	"baseline_cost_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	CONSTRAINT "request_rollup_batch_daily_pkey" PRIMARY KEY("batch_id","day","feature","status","initial_tier","final_tier","final_provider","final_model")
);--> statement-breakpoint

-- Attempt rows -> both attempt rollups. `new_attempts` is this statement's transition table.
--
-- The *_requests columns keep distinct-request counts additive: a new call adds 1 to
-- tier_requests only if its request had no call in that tier before (in an earlier statement, or
-- earlier in this one by (attempt_no, id)), and likewise per provider, model, tier+provider,
-- tier+model and overall. So sum(tier_requests) over any rows = distinct requests with a call in
-- each tier. One window over each request's calls, earlier statements' first, finds all six: the
-- arrays hold what the request had already called. Its earlier calls are read through
-- attempts_request_idx, in the partitions from its creation on.
--
-- fallback_answers counts ok calls on a model other than the first one the request tried in that
-- tier (answered by a fallback).
--
-- Groups are summed per batch first, the day rollup from those (its histograms straight from the
-- calls). Each upsert locks its rows in key order, and every ledger transaction writes attempts
-- before requests, so concurrent writers queue on a busy rollup row instead of deadlocking. Statements are EXECUTEd so each is planned for its own row count: a plan cached from a
-- 1-row statement would be wrong for a 2,000-row group commit, and vice versa.
CREATE FUNCTION attempt_rollups_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE $sql$
    WITH touched AS (
      SELECT t.request_id, coalesce(r.batch_id, '') AS batch_id, coalesce(r.feature, '') AS feature,
             coalesce(r.created_at - interval '1 day', '-infinity') AS calls_from
      FROM (SELECT DISTINCT request_id FROM new_attempts) AS t
      LEFT JOIN LATERAL (SELECT r.batch_id, r.feature, r.created_at FROM requests r WHERE r.id = t.request_id) AS r ON true
    ),
    history AS (
      SELECT t.batch_id, t.feature, n.id, n.request_id, n.attempt_no, n.tier, n.provider, n.model, n.outcome,
             n.latency_ms, n.input_tokens, n.output_tokens, n.cache_read_tokens, n.cache_write_tokens,
             n.cache_write_1h_tokens, n.cost_usd, n.started_at, true AS is_new
      FROM new_attempts AS n JOIN touched AS t ON t.request_id = n.request_id
      UNION ALL
      -- Calls before this statement. None starts before its request was created; the day's margin
      -- absorbs clock skew and lets partition pruning skip older months.
      SELECT t.batch_id, t.feature, p.id, p.request_id, p.attempt_no, p.tier, p.provider, p.model, p.outcome,
             p.latency_ms, p.input_tokens, p.output_tokens, p.cache_read_tokens, p.cache_write_tokens,
             p.cache_write_1h_tokens, p.cost_usd, p.started_at, false
      FROM touched AS t
      CROSS JOIN LATERAL (
        SELECT * FROM attempts p WHERE p.request_id = t.request_id AND p.started_at >= t.calls_from
      ) AS p
      WHERE NOT EXISTS (SELECT 1 FROM new_attempts AS x WHERE x.id = p.id AND x.started_at = p.started_at)
    ),
    framed AS (
      SELECT h.*, row_number() OVER calls AS seq,
        array_agg(h.tier) OVER before AS tiers_before,
        array_agg(h.provider) OVER before AS providers_before,
        array_agg(h.provider || E'\x1f' || h.model) OVER before AS models_before,
        array_agg(h.tier || E'\x1f' || h.provider) OVER before AS tier_providers_before,
        array_agg(h.tier || E'\x1f' || h.provider || E'\x1f' || h.model) OVER before AS tier_models_before
      FROM history AS h
      WINDOW calls AS (PARTITION BY h.request_id ORDER BY h.is_new, h.attempt_no, h.id),
             before AS (calls ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    ),
    fresh AS (
      SELECT f.batch_id, f.feature, (f.started_at AT TIME ZONE 'UTC')::date AS day, f.tier, f.provider, f.model, f.outcome,
        f.latency_ms, f.input_tokens, f.output_tokens, f.cache_read_tokens, f.cache_write_tokens, f.cache_write_1h_tokens,
        f.cost_usd, f.seq = 1 AS first_any,
        NOT coalesce(f.tier = ANY (f.tiers_before), false) AS first_tier,
        NOT coalesce(f.provider = ANY (f.providers_before), false) AS first_provider,
        NOT coalesce(f.provider || E'\x1f' || f.model = ANY (f.models_before), false) AS first_model,
        NOT coalesce(f.tier || E'\x1f' || f.provider = ANY (f.tier_providers_before), false) AS first_tier_provider,
        NOT coalesce(f.tier || E'\x1f' || f.provider || E'\x1f' || f.model = ANY (f.tier_models_before), false) AS first_tier_model,
        f.outcome = 'ok' AND coalesce(f.models_before[array_position(f.tiers_before, f.tier)] <> f.provider || E'\x1f' || f.model, false)
          AS fallback_answer
      FROM framed AS f WHERE f.is_new
    ),
    per_batch AS MATERIALIZED (
      SELECT batch_id, day, feature, tier, provider, model, outcome, count(*) AS calls,
        count(*) FILTER (WHERE first_any) AS requests, count(*) FILTER (WHERE first_tier) AS tier_requests,
        count(*) FILTER (WHERE first_provider) AS provider_requests, count(*) FILTER (WHERE first_model) AS model_requests,
        count(*) FILTER (WHERE first_tier_provider) AS tier_provider_requests,
        count(*) FILTER (WHERE first_tier_model) AS tier_model_requests,
        count(*) FILTER (WHERE fallback_answer) AS fallback_answers, sum(input_tokens) AS input_tokens,
        sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
        sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
        sum(cost_usd) AS cost_usd, sum(latency_ms) AS latency_ms_sum
      FROM fresh
      GROUP BY batch_id, day, feature, tier, provider, model, outcome
    ),
    daily_histograms AS (
      SELECT day, tier, provider, model, outcome, latency_hist_of(array_agg(latency_bucket(latency_ms))) AS latency_hist
      FROM fresh
      GROUP BY day, tier, provider, model, outcome
    ),
    daily AS (
      INSERT INTO attempt_rollup_daily AS t (day, tier, provider, model, outcome, calls, requests, tier_requests,
        provider_requests, model_requests, tier_provider_requests, tier_model_requests, fallback_answers, input_tokens,
        output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd, latency_ms_sum, latency_hist)
      SELECT b.*, h.latency_hist
      FROM (
        SELECT day, tier, provider, model, outcome, sum(calls), sum(requests), sum(tier_requests), sum(provider_requests),
          sum(model_requests), sum(tier_provider_requests), sum(tier_model_requests), sum(fallback_answers),
          sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
          sum(cache_write_1h_tokens), sum(cost_usd), sum(latency_ms_sum)
        FROM per_batch GROUP BY day, tier, provider, model, outcome
      ) AS b
      JOIN daily_histograms AS h USING (day, tier, provider, model, outcome)
      ORDER BY day, tier, provider, model, outcome
      ON CONFLICT (day, tier, provider, model, outcome) DO UPDATE SET
        calls = t.calls + excluded.calls, requests = t.requests + excluded.requests,
        tier_requests = t.tier_requests + excluded.tier_requests,
        provider_requests = t.provider_requests + excluded.provider_requests,
        model_requests = t.model_requests + excluded.model_requests,
        tier_provider_requests = t.tier_provider_requests + excluded.tier_provider_requests,
        tier_model_requests = t.tier_model_requests + excluded.tier_model_requests,
        fallback_answers = t.fallback_answers + excluded.fallback_answers,
        input_tokens = t.input_tokens + excluded.input_tokens, output_tokens = t.output_tokens + excluded.output_tokens,
        cache_read_tokens = t.cache_read_tokens + excluded.cache_read_tokens,
        cache_write_tokens = t.cache_write_tokens + excluded.cache_write_tokens,
        cache_write_1h_tokens = t.cache_write_1h_tokens + excluded.cache_write_1h_tokens,
        cost_usd = t.cost_usd + excluded.cost_usd, latency_ms_sum = t.latency_ms_sum + excluded.latency_ms_sum,
        latency_hist = latency_hist_add(t.latency_hist, excluded.latency_hist)
    )
    INSERT INTO attempt_rollup_batch_daily AS t (batch_id, day, feature, tier, provider, model, outcome, calls, requests,
      tier_requests, provider_requests, model_requests, tier_provider_requests, tier_model_requests, fallback_answers,
      input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd, latency_ms_sum)
    SELECT batch_id, day, feature, tier, provider, model, outcome, calls, requests, tier_requests, provider_requests,
      model_requests, tier_provider_requests, tier_model_requests, fallback_answers, input_tokens, output_tokens,
      cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd, latency_ms_sum
    FROM per_batch
    ORDER BY batch_id, day, feature, tier, provider, model, outcome
    ON CONFLICT (batch_id, day, feature, tier, provider, model, outcome) DO UPDATE SET
      calls = t.calls + excluded.calls, requests = t.requests + excluded.requests,
      tier_requests = t.tier_requests + excluded.tier_requests,
      provider_requests = t.provider_requests + excluded.provider_requests,
      model_requests = t.model_requests + excluded.model_requests,
      tier_provider_requests = t.tier_provider_requests + excluded.tier_provider_requests,
      tier_model_requests = t.tier_model_requests + excluded.tier_model_requests,
      fallback_answers = t.fallback_answers + excluded.fallback_answers,
      input_tokens = t.input_tokens + excluded.input_tokens, output_tokens = t.output_tokens + excluded.output_tokens,
      cache_read_tokens = t.cache_read_tokens + excluded.cache_read_tokens,
      cache_write_tokens = t.cache_write_tokens + excluded.cache_write_tokens,
      cache_write_1h_tokens = t.cache_write_1h_tokens + excluded.cache_write_1h_tokens,
      cost_usd = t.cost_usd + excluded.cost_usd, latency_ms_sum = t.latency_ms_sum + excluded.latency_ms_sum
  $sql$;
  RETURN NULL;
END;
$fn$;--> statement-breakpoint

-- Attempts are append-only, but a correction of tokens, cost, latency or error details (a
-- repricing, say) is carried into the rollups: the old values come out, the new ones go in. A change
-- that would move a call to another rollup row or change who it counts for is refused.
CREATE FUNCTION attempt_rollups_on_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF EXISTS (
    SELECT 1 FROM old_attempts AS o FULL JOIN new_attempts AS n ON n.id = o.id
    WHERE o.id IS NULL OR n.id IS NULL
       OR (o.request_id, o.attempt_no, o.tier, o.provider, o.model, o.outcome, (o.started_at AT TIME ZONE 'UTC')::date)
          IS DISTINCT FROM (n.request_id, n.attempt_no, n.tier, n.provider, n.model, n.outcome, (n.started_at AT TIME ZONE 'UTC')::date)
  ) THEN
    RAISE EXCEPTION 'attempts: only tokens, cost, latency, error details and times within the same UTC day can be corrected'
      USING HINT = 'The rollups depend on request_id, attempt_no, tier, provider, model, outcome and the day (docs/reports.md).';
  END IF;
  EXECUTE $sql$
    WITH delta AS (
      SELECT n.request_id, n.tier, n.provider, n.model, n.outcome, n.started_at, n.latency_ms, n.input_tokens,
             n.output_tokens, n.cache_read_tokens, n.cache_write_tokens, n.cache_write_1h_tokens, n.cost_usd, 1 AS sign
      FROM new_attempts AS n
      UNION ALL
      SELECT o.request_id, o.tier, o.provider, o.model, o.outcome, o.started_at, o.latency_ms, o.input_tokens,
             o.output_tokens, o.cache_read_tokens, o.cache_write_tokens, o.cache_write_1h_tokens, o.cost_usd, -1
      FROM old_attempts AS o
    ),
    keyed AS (
      SELECT d.*, coalesce(r.batch_id, '') AS batch_id, coalesce(r.feature, '') AS feature,
             (d.started_at AT TIME ZONE 'UTC')::date AS day
      FROM delta AS d LEFT JOIN requests AS r ON r.id = d.request_id
    ),
    daily AS (
      INSERT INTO attempt_rollup_daily AS t (day, tier, provider, model, outcome, input_tokens, output_tokens,
        cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd, latency_ms_sum, latency_hist)
      SELECT day, tier, provider, model, outcome, sum(sign * input_tokens), sum(sign * output_tokens),
        sum(sign * cache_read_tokens), sum(sign * cache_write_tokens), sum(sign * cache_write_1h_tokens),
        sum(sign * cost_usd), sum(sign * latency_ms), latency_hist_of(array_agg(latency_bucket(latency_ms)), array_agg(sign::bigint))
      FROM keyed
      GROUP BY day, tier, provider, model, outcome
      ORDER BY day, tier, provider, model, outcome
      ON CONFLICT (day, tier, provider, model, outcome) DO UPDATE SET
        input_tokens = t.input_tokens + excluded.input_tokens, output_tokens = t.output_tokens + excluded.output_tokens,
        cache_read_tokens = t.cache_read_tokens + excluded.cache_read_tokens,
        cache_write_tokens = t.cache_write_tokens + excluded.cache_write_tokens,
        cache_write_1h_tokens = t.cache_write_1h_tokens + excluded.cache_write_1h_tokens,
        cost_usd = t.cost_usd + excluded.cost_usd, latency_ms_sum = t.latency_ms_sum + excluded.latency_ms_sum,
        latency_hist = latency_hist_add(t.latency_hist, excluded.latency_hist)
    )
    INSERT INTO attempt_rollup_batch_daily AS t (batch_id, day, feature, tier, provider, model, outcome, input_tokens,
      output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd, latency_ms_sum)
    SELECT batch_id, day, feature, tier, provider, model, outcome, sum(sign * input_tokens), sum(sign * output_tokens),
      sum(sign * cache_read_tokens), sum(sign * cache_write_tokens), sum(sign * cache_write_1h_tokens),
      sum(sign * cost_usd), sum(sign * latency_ms)
    FROM keyed
    GROUP BY batch_id, day, feature, tier, provider, model, outcome
    ORDER BY batch_id, day, feature, tier, provider, model, outcome
    ON CONFLICT (batch_id, day, feature, tier, provider, model, outcome) DO UPDATE SET
      input_tokens = t.input_tokens + excluded.input_tokens, output_tokens = t.output_tokens + excluded.output_tokens,
      cache_read_tokens = t.cache_read_tokens + excluded.cache_read_tokens,
      cache_write_tokens = t.cache_write_tokens + excluded.cache_write_tokens,
      cache_write_1h_tokens = t.cache_write_1h_tokens + excluded.cache_write_1h_tokens,
      cost_usd = t.cost_usd + excluded.cost_usd, latency_ms_sum = t.latency_ms_sum + excluded.latency_ms_sum
  $sql$;
  RETURN NULL;
END;
$fn$;--> statement-breakpoint

-- Request rows -> both request rollups, which always equal a GROUP BY over `requests` as it is now.
-- The SQL is shared by both triggers and the backfill below; each prefixes it with the CTE
-- `request_rollup_delta`: +1 per new row version, -1 per old one. (It is text, not a function
-- call, because a trigger's transition tables are visible only to the trigger function's own queries.)
CREATE FUNCTION request_rollups_upsert_sql() RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT $sql$
    per_batch AS MATERIALIZED (
      SELECT batch_id, (created_at AT TIME ZONE 'UTC')::date AS day, coalesce(feature, '') AS feature, status,
        coalesce(initial_tier, '') AS initial_tier, coalesce(final_tier, '') AS final_tier,
        coalesce(final_provider, '') AS final_provider, coalesce(final_model, '') AS final_model,
        sum(sign) AS requests, coalesce(sum(sign) FILTER (WHERE escalations > 0), 0) AS escalated,
        sum(sign * escalations) AS escalations, sum(sign * attempt_count) AS attempts,
        sum(sign * cost_usd) AS cost_usd, sum(sign * baseline_cost_usd) AS baseline_cost_usd
      FROM request_rollup_delta
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ),
    daily AS (
      INSERT INTO request_rollup_daily AS t (day, feature, status, initial_tier, final_tier, final_provider, final_model,
        requests, escalated, escalations, attempts, cost_usd, baseline_cost_usd)
      SELECT day, feature, status, initial_tier, final_tier, final_provider, final_model, sum(requests), sum(escalated),
        sum(escalations), sum(attempts), sum(cost_usd), sum(baseline_cost_usd)
      FROM per_batch
      GROUP BY day, feature, status, initial_tier, final_tier, final_provider, final_model
      -- Rows are locked in key order, so concurrent writers cannot deadlock on each other.
      ORDER BY day, feature, status, initial_tier, final_tier, final_provider, final_model
      ON CONFLICT (day, feature, status, initial_tier, final_tier, final_provider, final_model) DO UPDATE SET
        requests = t.requests + excluded.requests, escalated = t.escalated + excluded.escalated,
        escalations = t.escalations + excluded.escalations, attempts = t.attempts + excluded.attempts,
        cost_usd = t.cost_usd + excluded.cost_usd, baseline_cost_usd = t.baseline_cost_usd + excluded.baseline_cost_usd
    )
    INSERT INTO request_rollup_batch_daily AS t (batch_id, day, feature, status, initial_tier, final_tier, final_provider,
      final_model, requests, escalated, escalations, attempts, cost_usd, baseline_cost_usd)
    SELECT * FROM per_batch
    ORDER BY batch_id, day, feature, status, initial_tier, final_tier, final_provider, final_model
    ON CONFLICT (batch_id, day, feature, status, initial_tier, final_tier, final_provider, final_model) DO UPDATE SET
      requests = t.requests + excluded.requests, escalated = t.escalated + excluded.escalated,
      escalations = t.escalations + excluded.escalations, attempts = t.attempts + excluded.attempts,
      cost_usd = t.cost_usd + excluded.cost_usd, baseline_cost_usd = t.baseline_cost_usd + excluded.baseline_cost_usd
  $sql$
$fn$;--> statement-breakpoint

CREATE FUNCTION request_rollups_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE 'WITH request_rollup_delta AS (SELECT n.*, 1 AS sign FROM new_requests AS n), ' || request_rollups_upsert_sql();
  RETURN NULL;
END;
$fn$;--> statement-breakpoint

-- Only row versions whose rolled-up columns changed take part; the ledger writer's
-- `... where status = 'queued'` update moves each request out of its queued group exactly once.
CREATE FUNCTION request_rollups_on_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE $sql$
    WITH request_rollup_delta AS (
      SELECT n.*, 1 AS sign FROM new_requests AS n
      WHERE NOT EXISTS (
        SELECT 1 FROM old_requests AS o
        WHERE o.id = n.id
          AND (o.batch_id, (o.created_at AT TIME ZONE 'UTC')::date, o.feature, o.status, o.initial_tier, o.final_tier,
               o.final_provider, o.final_model, o.escalations, o.attempt_count, o.cost_usd, o.baseline_cost_usd)
              IS NOT DISTINCT FROM
              (n.batch_id, (n.created_at AT TIME ZONE 'UTC')::date, n.feature, n.status, n.initial_tier, n.final_tier,
               n.final_provider, n.final_model, n.escalations, n.attempt_count, n.cost_usd, n.baseline_cost_usd))
      UNION ALL
      SELECT o.*, -1 AS sign FROM old_requests AS o
      WHERE NOT EXISTS (
        SELECT 1 FROM new_requests AS n
        WHERE n.id = o.id
          AND (o.batch_id, (o.created_at AT TIME ZONE 'UTC')::date, o.feature, o.status, o.initial_tier, o.final_tier,
               o.final_provider, o.final_model, o.escalations, o.attempt_count, o.cost_usd, o.baseline_cost_usd)
              IS NOT DISTINCT FROM
              (n.batch_id, (n.created_at AT TIME ZONE 'UTC')::date, n.feature, n.status, n.initial_tier, n.final_tier,
               n.final_provider, n.final_model, n.escalations, n.attempt_count, n.cost_usd, n.baseline_cost_usd))
    ),
  $sql$ || request_rollups_upsert_sql();
  RETURN NULL;
END;
$fn$;--> statement-breakpoint

------------------------------------------------------------------------------------------------
-- 3. attempts, partitioned by month (UTC) on started_at, so old months are dropped whole
--    (`llm-router maintain --keep-months N`) instead of DELETEd into bloat. A partitioned table's
--    primary key must contain the partition key: (id, started_at). A retried write carries the same
--    id and started_at, so `on conflict (id, started_at) do nothing` still makes it a no-op.
------------------------------------------------------------------------------------------------
ALTER TABLE "attempts" RENAME TO "attempts_unpartitioned";--> statement-breakpoint
ALTER TABLE "attempts_unpartitioned" RENAME CONSTRAINT "attempts_pkey" TO "attempts_unpartitioned_pkey";--> statement-breakpoint
ALTER INDEX "attempts_request_idx" RENAME TO "attempts_unpartitioned_request_idx";--> statement-breakpoint
ALTER INDEX "attempts_started_at_idx" RENAME TO "attempts_unpartitioned_started_at_idx";--> statement-breakpoint
CREATE TABLE "attempts" (
	"id" uuid NOT NULL,
	"request_id" text NOT NULL,
	"attempt_no" smallint NOT NULL,
	"tier" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"outcome" text NOT NULL,
	"error_type" text,
	"http_status" smallint,
	"latency_ms" integer NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cache_read_tokens" integer DEFAULT 0 NOT NULL,
	"cache_write_tokens" integer DEFAULT 0 NOT NULL,
	"cache_write_1h_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	CONSTRAINT "attempts_pkey" PRIMARY KEY("id","started_at")
) PARTITION BY RANGE ("started_at");--> statement-breakpoint
CREATE INDEX "attempts_request_idx" ON "attempts" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "attempts_started_at_idx" ON "attempts" USING btree ("started_at");--> statement-breakpoint
-- Catches a call outside every monthly partition (a clock far off, or `maintain` not run for
-- months), so a write never fails for want of a partition; `maintain` moves such rows out.
CREATE TABLE "attempts_default" PARTITION OF "attempts" DEFAULT;--> statement-breakpoint

-- Creates the partition of the UTC month containing `month` (attempts_YYYY_MM) if it is missing,
-- moving any rows of that month out of attempts_default first. The partition is built detached and
-- then ATTACHed, which locks the parent only in SHARE UPDATE EXCLUSIVE mode: writers keep going.
-- Returns the rows moved, or NULL when the partition already existed.
CREATE FUNCTION attempts_create_partition(month date) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  first_day date := date_trunc('month', month)::date;
  lower_bound timestamptz := (date_trunc('month', month)::timestamp AT TIME ZONE 'UTC');
  upper_bound timestamptz := ((date_trunc('month', month) + interval '1 month')::timestamp AT TIME ZONE 'UTC');
  partition_name text := 'attempts_' || to_char(first_day, 'YYYY_MM');
  moved bigint;
BEGIN
  IF to_regclass(format('%I', partition_name)) IS NOT NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE attempts INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition_name);
  -- Lets ATTACH skip its validation scan.
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (started_at >= %L AND started_at < %L)',
    partition_name, partition_name || '_range', lower_bound, upper_bound);
  EXECUTE format(
    'WITH moved AS (DELETE FROM attempts_default WHERE started_at >= %L AND started_at < %L RETURNING *)
     INSERT INTO %I SELECT * FROM moved', lower_bound, upper_bound, partition_name);
  GET DIAGNOSTICS moved = ROW_COUNT;
  EXECUTE format('ALTER TABLE attempts ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
    partition_name, lower_bound, upper_bound);
  EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', partition_name, partition_name || '_range');
  RETURN moved;
END;
$$;--> statement-breakpoint

-- The whole upkeep, as `llm-router maintain` runs it (also callable from psql or pg_cron):
--   1. rows that fell into attempts_default move into their own month's partition;
--   2. partitions exist for the current UTC month and the `months_ahead` after it;
--   3. with keep_months set, partitions whose whole range ends before the first day of the
--      current month minus keep_months months are dropped (keep_months => 12 keeps this month and
--      the 12 before it). Rollups are not touched: reports on dropped months still work.
-- dry_run reports what it would do and changes nothing.
CREATE FUNCTION attempts_maintain(months_ahead integer DEFAULT 3, keep_months integer DEFAULT NULL, dry_run boolean DEFAULT false)
RETURNS TABLE (action text, partition_name text, range_start date, range_end date, row_count bigint)
LANGUAGE plpgsql AS $$
DECLARE
  this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  cutoff date;
  month date;
  moved bigint;
  part record;
BEGIN
  IF months_ahead IS NULL OR months_ahead < 0 THEN
    RAISE EXCEPTION 'months_ahead must be 0 or more, got %', months_ahead;
  END IF;
  IF keep_months IS NOT NULL AND keep_months < 0 THEN
    RAISE EXCEPTION 'keep_months must be 0 or more, got %', keep_months;
  END IF;
  -- Serialise concurrent runs (a cron job and a person, two pods).
  PERFORM pg_advisory_xact_lock(7349113);

  FOR month IN
    SELECT DISTINCT date_trunc('month', d.started_at AT TIME ZONE 'UTC')::date FROM attempts_default d ORDER BY 1
  LOOP
    action := 'move'; partition_name := 'attempts_' || to_char(month, 'YYYY_MM');
    range_start := month; range_end := (month + interval '1 month')::date;
    IF dry_run THEN
      SELECT count(*) INTO row_count FROM attempts_default d
        WHERE d.started_at >= (month::timestamp AT TIME ZONE 'UTC')
          AND d.started_at < ((month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    ELSE
      -- The month has no partition yet (a partition and rows of its month in the default cannot coexist).
      row_count := coalesce(attempts_create_partition(month), 0);
    END IF;
    RETURN NEXT;
  END LOOP;

  FOR i IN 0..months_ahead LOOP
    month := (this_month + make_interval(months => i))::date;
    partition_name := 'attempts_' || to_char(month, 'YYYY_MM');
    IF to_regclass(format('%I', partition_name)) IS NULL THEN
      IF NOT dry_run THEN PERFORM attempts_create_partition(month); END IF;
      action := 'create'; range_start := month; range_end := (month + interval '1 month')::date; row_count := 0;
      RETURN NEXT;
    END IF;
  END LOOP;

  IF keep_months IS NOT NULL THEN
    cutoff := (this_month - make_interval(months => keep_months))::date;
    FOR part IN
      SELECT c.relname::text AS name,
             (substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \(''([^'']+)''\)'))::timestamptz AS lower_bound,
             (substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)'))::timestamptz AS upper_bound
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'attempts'::regclass AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
      ORDER BY 2
    LOOP
      IF part.upper_bound <= (cutoff::timestamp AT TIME ZONE 'UTC') THEN
        action := 'drop'; partition_name := part.name;
        range_start := (part.lower_bound AT TIME ZONE 'UTC')::date;
        range_end := (part.upper_bound AT TIME ZONE 'UTC')::date;
        EXECUTE format('SELECT count(*) FROM %I', part.name) INTO row_count;
        IF NOT dry_run THEN EXECUTE format('DROP TABLE %I', part.name); END IF;
        RETURN NEXT;
      END IF;
    END LOOP;
  END IF;
END;
$$;--> statement-breakpoint

-- Partitions for every month the existing rows cover, plus this month and the next three.
DO $$
DECLARE
  month date;
BEGIN
  FOR month IN
    SELECT DISTINCT date_trunc('month', started_at AT TIME ZONE 'UTC')::date FROM attempts_unpartitioned
    UNION
    SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m))::date FROM generate_series(0, 3) m
    ORDER BY 1
  LOOP
    PERFORM attempts_create_partition(month);
  END LOOP;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "attempts_rollup_insert" AFTER INSERT ON "attempts" REFERENCING NEW TABLE AS new_attempts
  FOR EACH STATEMENT EXECUTE FUNCTION attempt_rollups_on_insert();--> statement-breakpoint
CREATE TRIGGER "attempts_rollup_update" AFTER UPDATE ON "attempts" REFERENCING OLD TABLE AS old_attempts NEW TABLE AS new_attempts
  FOR EACH STATEMENT EXECUTE FUNCTION attempt_rollups_on_update();--> statement-breakpoint
-- Through the trigger: this builds the attempt rollups of the existing rows.
INSERT INTO "attempts" SELECT * FROM "attempts_unpartitioned";--> statement-breakpoint
DROP TABLE "attempts_unpartitioned";--> statement-breakpoint

------------------------------------------------------------------------------------------------
-- 4. Request rollups of the existing rows, then their triggers.
------------------------------------------------------------------------------------------------
DO $$
BEGIN
  EXECUTE 'WITH request_rollup_delta AS (SELECT r.*, 1 AS sign FROM requests AS r), ' || request_rollups_upsert_sql();
END;
$$;--> statement-breakpoint
CREATE TRIGGER "requests_rollup_insert" AFTER INSERT ON "requests" REFERENCING NEW TABLE AS new_requests
  FOR EACH STATEMENT EXECUTE FUNCTION request_rollups_on_insert();--> statement-breakpoint
CREATE TRIGGER "requests_rollup_update" AFTER UPDATE ON "requests" REFERENCING OLD TABLE AS old_requests NEW TABLE AS new_requests
  FOR EACH STATEMENT EXECUTE FUNCTION request_rollups_on_update();
