-- Rollup triggers as static SQL (h17, issue 17). The same statements as 0001/0005, but no longer
-- run through EXECUTE: a dynamic statement is parsed and planned on every call, which cost a one-row
-- ledger commit ~4 ms; plpgsql keeps a static statement's plan for the session (each pooled connection).
-- request_rollups_upsert_sql() stays for the backfill in 0001; the triggers now inline its text.
-- The functions' results are unchanged (report-rollups / report-exactness tests).
CREATE OR REPLACE FUNCTION attempt_rollups_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
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
  ;
  RETURN NULL;
END;
$fn$;--> statement-breakpoint

CREATE OR REPLACE FUNCTION request_rollups_on_update() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
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
      cost_usd = t.cost_usd + excluded.cost_usd, baseline_cost_usd = t.baseline_cost_usd + excluded.baseline_cost_usd;
  RETURN NULL;
END;
$fn$;--> statement-breakpoint

CREATE OR REPLACE FUNCTION request_rollups_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    WITH request_rollup_delta AS (SELECT n.*, 1 AS sign FROM new_requests AS n),
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
      cost_usd = t.cost_usd + excluded.cost_usd, baseline_cost_usd = t.baseline_cost_usd + excluded.baseline_cost_usd;
  RETURN NULL;
END;
$fn$;
