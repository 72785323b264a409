-- Estimated money kept apart from exact money, and the report keys a team asks for (docs/reports.md).
-- Hand-written: the rollup triggers change with the tables. src/ledger/db/schema.ts describes the
-- same columns and keys.
--
--   1. attempts: cost_estimated and usage_issue (usage that was missing or impossible, priced from
--      the prompt estimate), possibly_billed_low_usd / _high_usd (abandoned calls' exposure).
--   2. Both attempt rollups sum the possibly-billed range; the per-batch one is also keyed by the
--      request's kind and creation day (request_day: report windows select requests by creation)
--      and by error_type (why calls failed).
--   3. The attempt rollups are rebuilt from the ledger through the new insert trigger.
--   4. The cost views gain the possibly-billed columns (at the end: CREATE OR REPLACE VIEW).
--
-- Writes are blocked while this runs (one transaction); a large ledger should migrate in a quiet window.
LOCK TABLE "attempts" IN ACCESS EXCLUSIVE MODE;--> statement-breakpoint
LOCK TABLE "requests" IN SHARE ROW EXCLUSIVE MODE;--> statement-breakpoint

ALTER TABLE "attempts" ADD COLUMN "cost_estimated" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "usage_issue" text;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "possibly_billed_low_usd" numeric(20, 12);--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "possibly_billed_high_usd" numeric(20, 12);--> statement-breakpoint

-- Emptied first: the new keys cannot be filled from the old rows; step 3 rebuilds both.
TRUNCATE "attempt_rollup_daily", "attempt_rollup_batch_daily";--> statement-breakpoint
ALTER TABLE "attempt_rollup_daily" ADD COLUMN "possibly_billed_low_usd" numeric(20, 12) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "attempt_rollup_daily" ADD COLUMN "possibly_billed_high_usd" numeric(20, 12) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "attempt_rollup_batch_daily" ADD COLUMN "request_day" date NOT NULL;--> statement-breakpoint
ALTER TABLE "attempt_rollup_batch_daily" ADD COLUMN "kind" text NOT NULL;--> statement-breakpoint
ALTER TABLE "attempt_rollup_batch_daily" ADD COLUMN "error_type" text NOT NULL;--> statement-breakpoint
ALTER TABLE "attempt_rollup_batch_daily" ADD COLUMN "possibly_billed_low_usd" numeric(20, 12) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "attempt_rollup_batch_daily" ADD COLUMN "possibly_billed_high_usd" numeric(20, 12) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "attempt_rollup_batch_daily" DROP CONSTRAINT "attempt_rollup_batch_daily_pkey";--> statement-breakpoint
ALTER TABLE "attempt_rollup_batch_daily" ADD CONSTRAINT "attempt_rollup_batch_daily_pkey"
  PRIMARY KEY("batch_id","day","request_day","feature","kind","tier","provider","model","outcome","error_type");--> statement-breakpoint

-- As in 0001 (see its comments), with kind, request_day, error_type and the possibly-billed sums.
-- A call whose request row is missing counts on its own day and kind ''.
CREATE OR REPLACE FUNCTION attempt_rollups_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE $sql$
    WITH touched AS (
      SELECT t.request_id, coalesce(r.batch_id, '') AS batch_id, coalesce(r.feature, '') AS feature,
             coalesce(r.kind, '') AS kind, (r.created_at AT TIME ZONE 'UTC')::date AS request_day,
             coalesce(r.created_at - interval '1 day', '-infinity') AS calls_from
      FROM (SELECT DISTINCT request_id FROM new_attempts) AS t
      LEFT JOIN LATERAL (SELECT r.batch_id, r.feature, r.kind, r.created_at FROM requests r WHERE r.id = t.request_id) AS r ON true
    ),
    history AS (
      SELECT t.batch_id, t.feature, t.kind, t.request_day, n.id, n.request_id, n.attempt_no, n.tier, n.provider, n.model,
             n.outcome, n.error_type, n.latency_ms, n.input_tokens, n.output_tokens, n.cache_read_tokens, n.cache_write_tokens,
             n.cache_write_1h_tokens, n.cost_usd, n.possibly_billed_low_usd, n.possibly_billed_high_usd, n.started_at, true AS is_new
      FROM new_attempts AS n JOIN touched AS t ON t.request_id = n.request_id
      UNION ALL
      SELECT t.batch_id, t.feature, t.kind, t.request_day, p.id, p.request_id, p.attempt_no, p.tier, p.provider, p.model,
             p.outcome, p.error_type, p.latency_ms, p.input_tokens, p.output_tokens, p.cache_read_tokens, p.cache_write_tokens,
             p.cache_write_1h_tokens, p.cost_usd, p.possibly_billed_low_usd, p.possibly_billed_high_usd, p.started_at, false
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
      SELECT f.batch_id, f.feature, f.kind, (f.started_at AT TIME ZONE 'UTC')::date AS day,
        coalesce(f.request_day, (f.started_at AT TIME ZONE 'UTC')::date) AS request_day,
        f.tier, f.provider, f.model, f.outcome, coalesce(f.error_type, '') AS error_type,
        f.latency_ms, f.input_tokens, f.output_tokens, f.cache_read_tokens, f.cache_write_tokens, f.cache_write_1h_tokens,
        f.cost_usd, coalesce(f.possibly_billed_low_usd, 0) AS possibly_billed_low_usd,
        coalesce(f.possibly_billed_high_usd, 0) AS possibly_billed_high_usd, f.seq = 1 AS first_any,
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
      SELECT batch_id, day, request_day, feature, kind, tier, provider, model, outcome, error_type, count(*) AS calls,
        count(*) FILTER (WHERE first_any) AS requests, count(*) FILTER (WHERE first_tier) AS tier_requests,
        count(*) FILTER (WHERE first_provider) AS provider_requests, count(*) FILTER (WHERE first_model) AS model_requests,
        count(*) FILTER (WHERE first_tier_provider) AS tier_provider_requests,
        count(*) FILTER (WHERE first_tier_model) AS tier_model_requests,
        count(*) FILTER (WHERE fallback_answer) AS fallback_answers, sum(input_tokens) AS input_tokens,
        sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
        sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
        sum(cost_usd) AS cost_usd, sum(possibly_billed_low_usd) AS possibly_billed_low_usd,
        sum(possibly_billed_high_usd) AS possibly_billed_high_usd, sum(latency_ms) AS latency_ms_sum
      FROM fresh
      GROUP BY batch_id, day, request_day, feature, kind, tier, provider, model, outcome, error_type
    ),
    daily_histograms AS (
      SELECT day, tier, provider, model, outcome, latency_hist_of(array_agg(latency_bucket(latency_ms))) AS latency_hist
      FROM fresh
      GROUP BY day, tier, provider, model, outcome
    ),
    daily AS (
      INSERT INTO attempt_rollup_daily AS t (day, tier, provider, model, outcome, calls, requests, tier_requests,
        provider_requests, model_requests, tier_provider_requests, tier_model_requests, fallback_answers, input_tokens,
        output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd, possibly_billed_low_usd,
        possibly_billed_high_usd, latency_ms_sum, latency_hist)
      SELECT b.*, h.latency_hist
      FROM (
        SELECT day, tier, provider, model, outcome, sum(calls), sum(requests), sum(tier_requests), sum(provider_requests),
          sum(model_requests), sum(tier_provider_requests), sum(tier_model_requests), sum(fallback_answers),
          sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens),
          sum(cache_write_1h_tokens), sum(cost_usd), sum(possibly_billed_low_usd), sum(possibly_billed_high_usd),
          sum(latency_ms_sum)
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
        cost_usd = t.cost_usd + excluded.cost_usd,
        possibly_billed_low_usd = t.possibly_billed_low_usd + excluded.possibly_billed_low_usd,
        possibly_billed_high_usd = t.possibly_billed_high_usd + excluded.possibly_billed_high_usd,
        latency_ms_sum = t.latency_ms_sum + excluded.latency_ms_sum,
        latency_hist = latency_hist_add(t.latency_hist, excluded.latency_hist)
    )
    INSERT INTO attempt_rollup_batch_daily AS t (batch_id, day, request_day, feature, kind, tier, provider, model, outcome,
      error_type, calls, requests, tier_requests, provider_requests, model_requests, tier_provider_requests,
      tier_model_requests, fallback_answers, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
      cache_write_1h_tokens, cost_usd, possibly_billed_low_usd, possibly_billed_high_usd, latency_ms_sum)
    SELECT batch_id, day, request_day, feature, kind, tier, provider, model, outcome, error_type, calls, requests,
      tier_requests, provider_requests, model_requests, tier_provider_requests, tier_model_requests, fallback_answers,
      input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd,
      possibly_billed_low_usd, possibly_billed_high_usd, latency_ms_sum
    FROM per_batch
    ORDER BY batch_id, day, request_day, feature, kind, tier, provider, model, outcome, error_type
    ON CONFLICT (batch_id, day, request_day, feature, kind, tier, provider, model, outcome, error_type) DO UPDATE SET
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
      cost_usd = t.cost_usd + excluded.cost_usd,
      possibly_billed_low_usd = t.possibly_billed_low_usd + excluded.possibly_billed_low_usd,
      possibly_billed_high_usd = t.possibly_billed_high_usd + excluded.possibly_billed_high_usd,
      latency_ms_sum = t.latency_ms_sum + excluded.latency_ms_sum
  $sql$;
  RETURN NULL;
END;
$fn$;--> statement-breakpoint

-- As in 0001; error_type is now a rollup key, so it joins the columns a correction may not change.
CREATE OR REPLACE FUNCTION attempt_rollups_on_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF EXISTS (
    SELECT 1 FROM old_attempts AS o FULL JOIN new_attempts AS n ON n.id = o.id
    WHERE o.id IS NULL OR n.id IS NULL
       OR (o.request_id, o.attempt_no, o.tier, o.provider, o.model, o.outcome, o.error_type, (o.started_at AT TIME ZONE 'UTC')::date)
          IS DISTINCT FROM (n.request_id, n.attempt_no, n.tier, n.provider, n.model, n.outcome, n.error_type, (n.started_at AT TIME ZONE 'UTC')::date)
  ) THEN
    RAISE EXCEPTION 'attempts: only tokens, cost, latency, error details other than error_type and times within the same UTC day can be corrected'
      USING HINT = 'The rollups depend on request_id, attempt_no, tier, provider, model, outcome, error_type and the day (docs/reports.md).';
  END IF;
  EXECUTE $sql$
    WITH delta AS (
      SELECT n.request_id, n.tier, n.provider, n.model, n.outcome, n.error_type, n.started_at, n.latency_ms, n.input_tokens,
             n.output_tokens, n.cache_read_tokens, n.cache_write_tokens, n.cache_write_1h_tokens, n.cost_usd,
             n.possibly_billed_low_usd, n.possibly_billed_high_usd, 1 AS sign
      FROM new_attempts AS n
      UNION ALL
      SELECT o.request_id, o.tier, o.provider, o.model, o.outcome, o.error_type, o.started_at, o.latency_ms, o.input_tokens,
             o.output_tokens, o.cache_read_tokens, o.cache_write_tokens, o.cache_write_1h_tokens, o.cost_usd,
             o.possibly_billed_low_usd, o.possibly_billed_high_usd, -1
      FROM old_attempts AS o
    ),
    keyed AS (
      SELECT d.request_id, d.tier, d.provider, d.model, d.outcome, coalesce(d.error_type, '') AS error_type, d.latency_ms,
             d.input_tokens, d.output_tokens, d.cache_read_tokens, d.cache_write_tokens, d.cache_write_1h_tokens, d.cost_usd,
             coalesce(d.possibly_billed_low_usd, 0) AS possibly_billed_low_usd,
             coalesce(d.possibly_billed_high_usd, 0) AS possibly_billed_high_usd, d.sign,
             coalesce(r.batch_id, '') AS batch_id, coalesce(r.feature, '') AS feature, coalesce(r.kind, '') AS kind,
             (d.started_at AT TIME ZONE 'UTC')::date AS day,
             coalesce((r.created_at AT TIME ZONE 'UTC')::date, (d.started_at AT TIME ZONE 'UTC')::date) AS request_day
      FROM delta AS d LEFT JOIN requests AS r ON r.id = d.request_id
    ),
    daily AS (
      INSERT INTO attempt_rollup_daily AS t (day, tier, provider, model, outcome, input_tokens, output_tokens,
        cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd, possibly_billed_low_usd,
        possibly_billed_high_usd, latency_ms_sum, latency_hist)
      SELECT day, tier, provider, model, outcome, sum(sign * input_tokens), sum(sign * output_tokens),
        sum(sign * cache_read_tokens), sum(sign * cache_write_tokens), sum(sign * cache_write_1h_tokens),
        sum(sign * cost_usd), sum(sign * possibly_billed_low_usd), sum(sign * possibly_billed_high_usd),
        sum(sign * latency_ms), latency_hist_of(array_agg(latency_bucket(latency_ms)), array_agg(sign::bigint))
      FROM keyed
      GROUP BY day, tier, provider, model, outcome
      ORDER BY day, tier, provider, model, outcome
      ON CONFLICT (day, tier, provider, model, outcome) DO UPDATE SET
        input_tokens = t.input_tokens + excluded.input_tokens, output_tokens = t.output_tokens + excluded.output_tokens,
        cache_read_tokens = t.cache_read_tokens + excluded.cache_read_tokens,
        cache_write_tokens = t.cache_write_tokens + excluded.cache_write_tokens,
        cache_write_1h_tokens = t.cache_write_1h_tokens + excluded.cache_write_1h_tokens,
        cost_usd = t.cost_usd + excluded.cost_usd,
        possibly_billed_low_usd = t.possibly_billed_low_usd + excluded.possibly_billed_low_usd,
        possibly_billed_high_usd = t.possibly_billed_high_usd + excluded.possibly_billed_high_usd,
        latency_ms_sum = t.latency_ms_sum + excluded.latency_ms_sum,
        latency_hist = latency_hist_add(t.latency_hist, excluded.latency_hist)
    )
    INSERT INTO attempt_rollup_batch_daily AS t (batch_id, day, request_day, feature, kind, tier, provider, model, outcome,
      error_type, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, cost_usd,
      possibly_billed_low_usd, possibly_billed_high_usd, latency_ms_sum)
    SELECT batch_id, day, request_day, feature, kind, tier, provider, model, outcome, error_type, sum(sign * input_tokens),
      sum(sign * output_tokens), sum(sign * cache_read_tokens), sum(sign * cache_write_tokens),
      sum(sign * cache_write_1h_tokens), sum(sign * cost_usd), sum(sign * possibly_billed_low_usd),
      sum(sign * possibly_billed_high_usd), sum(sign * latency_ms)
    FROM keyed
    GROUP BY batch_id, day, request_day, feature, kind, tier, provider, model, outcome, error_type
    ORDER BY batch_id, day, request_day, feature, kind, tier, provider, model, outcome, error_type
    ON CONFLICT (batch_id, day, request_day, feature, kind, tier, provider, model, outcome, error_type) DO UPDATE SET
      input_tokens = t.input_tokens + excluded.input_tokens, output_tokens = t.output_tokens + excluded.output_tokens,
      cache_read_tokens = t.cache_read_tokens + excluded.cache_read_tokens,
      cache_write_tokens = t.cache_write_tokens + excluded.cache_write_tokens,
      cache_write_1h_tokens = t.cache_write_1h_tokens + excluded.cache_write_1h_tokens,
      cost_usd = t.cost_usd + excluded.cost_usd,
      possibly_billed_low_usd = t.possibly_billed_low_usd + excluded.possibly_billed_low_usd,
      possibly_billed_high_usd = t.possibly_billed_high_usd + excluded.possibly_billed_high_usd,
      latency_ms_sum = t.latency_ms_sum + excluded.latency_ms_sum
  $sql$;
  RETURN NULL;
END;
$fn$;--> statement-breakpoint

-- 3. Rebuild: every existing call goes back through the insert trigger (there is no delete trigger).
CREATE TABLE "attempts_rebuild" AS SELECT * FROM "attempts";--> statement-breakpoint
DELETE FROM "attempts";--> statement-breakpoint
INSERT INTO "attempts" SELECT * FROM "attempts_rebuild";--> statement-breakpoint
DROP TABLE "attempts_rebuild";--> statement-breakpoint

-- 4. Possibly billed next to the exact cost in the cost views.
CREATE OR REPLACE VIEW report_cost_by_day AS
SELECT day, sum(requests) AS requests, sum(calls) AS calls,
  coalesce(sum(calls) FILTER (WHERE outcome <> 'ok'), 0) AS failed_calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(cost_usd) AS cost_usd, sum(cost_usd * (outcome <> 'ok')::int) AS wasted_cost_usd,
  sum(possibly_billed_low_usd) AS possibly_billed_low_usd, sum(possibly_billed_high_usd) AS possibly_billed_high_usd
FROM attempt_rollup_daily GROUP BY day;--> statement-breakpoint

CREATE OR REPLACE VIEW report_cost_by_model AS
SELECT day, provider, model, sum(model_requests) AS requests, sum(calls) AS calls,
  coalesce(sum(calls) FILTER (WHERE outcome <> 'ok'), 0) AS failed_calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(cost_usd) AS cost_usd, sum(cost_usd * (outcome <> 'ok')::int) AS wasted_cost_usd,
  sum(possibly_billed_low_usd) AS possibly_billed_low_usd, sum(possibly_billed_high_usd) AS possibly_billed_high_usd
FROM attempt_rollup_daily GROUP BY day, provider, model;--> statement-breakpoint

CREATE OR REPLACE VIEW report_cost_by_provider AS
SELECT day, provider, sum(provider_requests) AS requests, sum(calls) AS calls,
  coalesce(sum(calls) FILTER (WHERE outcome <> 'ok'), 0) AS failed_calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(cost_usd) AS cost_usd, sum(cost_usd * (outcome <> 'ok')::int) AS wasted_cost_usd,
  sum(possibly_billed_low_usd) AS possibly_billed_low_usd, sum(possibly_billed_high_usd) AS possibly_billed_high_usd
FROM attempt_rollup_daily GROUP BY day, provider;--> statement-breakpoint

CREATE OR REPLACE VIEW report_cost_by_tier AS
SELECT day, tier, sum(tier_requests) AS requests, sum(calls) AS calls,
  coalesce(sum(calls) FILTER (WHERE outcome <> 'ok'), 0) AS failed_calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(cost_usd) AS cost_usd, sum(cost_usd * (outcome <> 'ok')::int) AS wasted_cost_usd,
  sum(possibly_billed_low_usd) AS possibly_billed_low_usd, sum(possibly_billed_high_usd) AS possibly_billed_high_usd
FROM attempt_rollup_daily GROUP BY day, tier;--> statement-breakpoint

CREATE OR REPLACE VIEW report_cost_by_feature AS
SELECT day, coalesce(nullif(feature, ''), '(none)') AS feature, sum(requests) AS requests, sum(calls) AS calls,
  coalesce(sum(calls) FILTER (WHERE outcome <> 'ok'), 0) AS failed_calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(cost_usd) AS cost_usd, sum(cost_usd * (outcome <> 'ok')::int) AS wasted_cost_usd,
  sum(possibly_billed_low_usd) AS possibly_billed_low_usd, sum(possibly_billed_high_usd) AS possibly_billed_high_usd
FROM attempt_rollup_batch_daily GROUP BY day, feature;--> statement-breakpoint

CREATE OR REPLACE VIEW report_cost_by_batch AS
SELECT c.day, c.batch_id, b.name AS batch_name, sum(c.requests) AS requests, sum(c.calls) AS calls,
  coalesce(sum(c.calls) FILTER (WHERE c.outcome <> 'ok'), 0) AS failed_calls,
  sum(c.input_tokens) AS input_tokens, sum(c.output_tokens) AS output_tokens, sum(c.cache_read_tokens) AS cache_read_tokens,
  sum(c.cache_write_tokens) AS cache_write_tokens, sum(c.cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(c.cost_usd) AS cost_usd, sum(c.cost_usd * (c.outcome <> 'ok')::int) AS wasted_cost_usd,
  sum(c.possibly_billed_low_usd) AS possibly_billed_low_usd, sum(c.possibly_billed_high_usd) AS possibly_billed_high_usd
FROM attempt_rollup_batch_daily c LEFT JOIN batches b ON b.id = c.batch_id
GROUP BY c.day, c.batch_id, b.name;
