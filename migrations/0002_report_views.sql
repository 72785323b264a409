-- Report views over the rollups (docs/reports.md has example queries). Every *_daily view is per UTC
-- day and additive: sum its columns over any range of days (the request counts included: a request
-- is counted once per group, on the day of its first call in it). Rates and percentiles are not
-- additive; recompute them from the summed counts, or call the report_* functions with a range.
-- Money is numeric throughout: sums are exact.

-- Cost, tokens and requests by day, model, provider, tier, feature and batch.
CREATE VIEW report_cost_by_day AS
SELECT day, sum(requests) AS requests, sum(calls) AS calls,
  coalesce(sum(calls) FILTER (WHERE outcome <> 'ok'), 0) AS failed_calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(cost_usd) AS cost_usd, sum(cost_usd * (outcome <> 'ok')::int) AS wasted_cost_usd
FROM attempt_rollup_daily GROUP BY day;--> statement-breakpoint

CREATE VIEW report_cost_by_model AS
SELECT day, provider, model, sum(model_requests) AS requests, sum(calls) AS calls,
  coalesce(sum(calls) FILTER (WHERE outcome <> 'ok'), 0) AS failed_calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(cost_usd) AS cost_usd, sum(cost_usd * (outcome <> 'ok')::int) AS wasted_cost_usd
FROM attempt_rollup_daily GROUP BY day, provider, model;--> statement-breakpoint

CREATE VIEW report_cost_by_provider AS
SELECT day, provider, sum(provider_requests) AS requests, sum(calls) AS calls,
  coalesce(sum(calls) FILTER (WHERE outcome <> 'ok'), 0) AS failed_calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(cost_usd) AS cost_usd, sum(cost_usd * (outcome <> 'ok')::int) AS wasted_cost_usd
FROM attempt_rollup_daily GROUP BY day, provider;--> statement-breakpoint

CREATE VIEW report_cost_by_tier AS
SELECT day, tier, sum(tier_requests) AS requests, sum(calls) AS calls,
  coalesce(sum(calls) FILTER (WHERE outcome <> 'ok'), 0) AS failed_calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(cost_usd) AS cost_usd, sum(cost_usd * (outcome <> 'ok')::int) AS wasted_cost_usd
FROM attempt_rollup_daily GROUP BY day, tier;--> statement-breakpoint

CREATE VIEW report_cost_by_feature AS
SELECT day, coalesce(nullif(feature, ''), '(none)') AS feature, sum(requests) AS requests, sum(calls) AS calls,
  coalesce(sum(calls) FILTER (WHERE outcome <> 'ok'), 0) AS failed_calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens, sum(cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(cost_usd) AS cost_usd, sum(cost_usd * (outcome <> 'ok')::int) AS wasted_cost_usd
FROM attempt_rollup_batch_daily GROUP BY day, feature;--> statement-breakpoint

CREATE VIEW report_cost_by_batch AS
SELECT c.day, c.batch_id, b.name AS batch_name, sum(c.requests) AS requests, sum(c.calls) AS calls,
  coalesce(sum(c.calls) FILTER (WHERE c.outcome <> 'ok'), 0) AS failed_calls,
  sum(c.input_tokens) AS input_tokens, sum(c.output_tokens) AS output_tokens, sum(c.cache_read_tokens) AS cache_read_tokens,
  sum(c.cache_write_tokens) AS cache_write_tokens, sum(c.cache_write_1h_tokens) AS cache_write_1h_tokens,
  sum(c.cost_usd) AS cost_usd, sum(c.cost_usd * (c.outcome <> 'ok')::int) AS wasted_cost_usd
FROM attempt_rollup_batch_daily c LEFT JOIN batches b ON b.id = c.batch_id
GROUP BY c.day, c.batch_id, b.name;--> statement-breakpoint

-- Requests by the UTC day they were created: outcomes, escalation, cost against the baseline.
CREATE VIEW report_requests_daily AS
SELECT day, coalesce(nullif(feature, ''), '(none)') AS feature, sum(requests) AS requests,
  coalesce(sum(requests) FILTER (WHERE status = 'succeeded'), 0) AS succeeded,
  coalesce(sum(requests) FILTER (WHERE status = 'failed'), 0) AS failed,
  coalesce(sum(requests) FILTER (WHERE status = 'queued'), 0) AS queued,
  sum(escalated) AS escalated, sum(escalations) AS escalations, sum(attempts) AS calls,
  sum(cost_usd) AS cost_usd, sum(baseline_cost_usd) AS baseline_cost_usd,
  sum(baseline_cost_usd) - sum(cost_usd) AS savings_usd
FROM request_rollup_daily GROUP BY day, feature HAVING sum(requests) <> 0;--> statement-breakpoint

-- Routing distribution: finished requests per tier they started in and ended in.
CREATE VIEW report_routing_daily AS
SELECT day, tier, sum(initial_requests) AS initial_requests, sum(final_requests) AS final_requests
FROM (
  SELECT day, initial_tier AS tier, requests AS initial_requests, 0 AS final_requests FROM request_rollup_daily WHERE status <> 'queued'
  UNION ALL
  SELECT day, final_tier, 0, requests FROM request_rollup_daily WHERE status <> 'queued'
) AS routes
WHERE tier <> '' GROUP BY day, tier;--> statement-breakpoint

CREATE VIEW report_routing_distribution AS
SELECT tier, sum(initial_requests) AS initial_requests,
  round(100 * sum(initial_requests) / nullif(sum(sum(initial_requests)) OVER (), 0), 2) AS initial_percent,
  sum(final_requests) AS final_requests,
  round(100 * sum(final_requests) / nullif(sum(sum(final_requests)) OVER (), 0), 2) AS final_percent
FROM report_routing_daily GROUP BY tier;--> statement-breakpoint

-- Escalation and failure rates of finished requests, by the day they were created.
CREATE VIEW report_rates_daily AS
SELECT day, sum(requests) AS finished, sum(escalated) AS escalated,
  round(100.0 * sum(escalated) / nullif(sum(requests), 0), 2) AS escalation_percent,
  coalesce(sum(requests) FILTER (WHERE status = 'failed'), 0) AS failed,
  round(100.0 * coalesce(sum(requests) FILTER (WHERE status = 'failed'), 0) / nullif(sum(requests), 0), 2) AS failure_percent
FROM request_rollup_daily WHERE status <> 'queued' GROUP BY day;--> statement-breakpoint

-- Fallback rate: answers that came from a model other than the first one the request tried in that
-- tier (the tier's primary, unless it was skipped), by the day of the answering call.
CREATE VIEW report_fallback_daily AS
SELECT day, tier, coalesce(sum(calls) FILTER (WHERE outcome = 'ok'), 0) AS answers, sum(fallback_answers) AS fallback_answers,
  round(100.0 * sum(fallback_answers) / nullif(sum(calls) FILTER (WHERE outcome = 'ok'), 0), 2) AS fallback_percent
FROM attempt_rollup_daily GROUP BY day, tier;--> statement-breakpoint

-- All three rates over everything recorded.
CREATE VIEW report_rates AS
SELECT r.finished, r.escalated, round(100.0 * r.escalated / nullif(r.finished, 0), 2) AS escalation_percent,
  r.failed, round(100.0 * r.failed / nullif(r.finished, 0), 2) AS failure_percent,
  a.answers, a.fallback_answers, round(100.0 * a.fallback_answers / nullif(a.answers, 0), 2) AS fallback_percent
FROM (SELECT coalesce(sum(finished), 0) AS finished, coalesce(sum(escalated), 0) AS escalated, coalesce(sum(failed), 0) AS failed
      FROM report_rates_daily) AS r,
     (SELECT coalesce(sum(answers), 0) AS answers, coalesce(sum(fallback_answers), 0) AS fallback_answers
      FROM report_fallback_daily) AS a;--> statement-breakpoint

-- Savings against the all-top-tier baseline (finished requests, by the day they were created).
CREATE VIEW report_savings_daily AS
SELECT day, coalesce(nullif(feature, ''), '(none)') AS feature, sum(requests) AS requests,
  sum(cost_usd) AS cost_usd, sum(baseline_cost_usd) AS baseline_cost_usd,
  sum(baseline_cost_usd) - sum(cost_usd) AS savings_usd,
  round(100 * (sum(baseline_cost_usd) - sum(cost_usd)) / nullif(sum(baseline_cost_usd), 0), 2) AS savings_percent
FROM request_rollup_daily WHERE status <> 'queued' GROUP BY day, feature;--> statement-breakpoint

CREATE VIEW report_savings AS
SELECT coalesce(sum(requests), 0) AS requests, coalesce(sum(cost_usd), 0) AS cost_usd,
  coalesce(sum(baseline_cost_usd), 0) AS baseline_cost_usd, coalesce(sum(baseline_cost_usd) - sum(cost_usd), 0) AS savings_usd,
  round(100 * (sum(baseline_cost_usd) - sum(cost_usd)) / nullif(sum(baseline_cost_usd), 0), 2) AS savings_percent
FROM report_savings_daily;--> statement-breakpoint

-- Wasted spend: the cost of calls that did not produce an answer (invalid answers are billed;
-- errors usually cost nothing but are counted).
CREATE VIEW report_wasted_spend_daily AS
SELECT day, tier, provider, model,
  coalesce(sum(calls) FILTER (WHERE outcome <> 'ok'), 0) AS calls_without_answer,
  sum(cost_usd * (outcome <> 'ok')::int) AS wasted_cost_usd,
  sum(cost_usd) AS cost_usd,
  round(100 * sum(cost_usd * (outcome <> 'ok')::int) / nullif(sum(cost_usd), 0), 2) AS wasted_percent
FROM attempt_rollup_daily GROUP BY day, tier, provider, model;--> statement-breakpoint

-- Latency p50/p95/p99 from the histograms (within 9.1% of the exact value), per day and model.
CREATE VIEW report_latency_daily AS
SELECT day, tier, provider, model, sum(calls) AS calls,
  latency_hist_percentile(latency_hist_sum(latency_hist), 0.5) AS p50_ms,
  latency_hist_percentile(latency_hist_sum(latency_hist), 0.95) AS p95_ms,
  latency_hist_percentile(latency_hist_sum(latency_hist), 0.99) AS p99_ms
FROM attempt_rollup_daily GROUP BY day, tier, provider, model;--> statement-breakpoint

-- The same over a range of whole UTC days [since, until), per tier and per model in it (model NULL
-- on the tier's own row). Percentiles do not add up across days, so ranges need this function.
CREATE FUNCTION report_latency(since date DEFAULT '-infinity', until date DEFAULT 'infinity')
RETURNS TABLE (tier text, provider text, model text, calls numeric, p50_ms numeric, p95_ms numeric, p99_ms numeric)
LANGUAGE sql STABLE AS $$
  SELECT r.tier, r.provider, r.model, sum(r.calls),
    latency_hist_percentile(latency_hist_sum(r.latency_hist), 0.5),
    latency_hist_percentile(latency_hist_sum(r.latency_hist), 0.95),
    latency_hist_percentile(latency_hist_sum(r.latency_hist), 0.99)
  FROM attempt_rollup_daily r
  WHERE r.day >= report_latency.since AND r.day < report_latency.until
  GROUP BY GROUPING SETS ((r.tier), (r.tier, r.provider, r.model))
  ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST
$$;--> statement-breakpoint

-- Exact latency percentiles (interpolated, percentile_cont) over the raw calls of [since, until):
-- reads every call in the range, so keep ranges small; partition pruning skips other months.
CREATE FUNCTION report_latency_exact(since timestamptz, until timestamptz)
RETURNS TABLE (tier text, provider text, model text, calls bigint, p50_ms double precision, p95_ms double precision, p99_ms double precision)
LANGUAGE sql STABLE AS $$
  SELECT a.tier, a.provider, a.model, count(*),
    percentile_cont(0.5) WITHIN GROUP (ORDER BY a.latency_ms),
    percentile_cont(0.95) WITHIN GROUP (ORDER BY a.latency_ms),
    percentile_cont(0.99) WITHIN GROUP (ORDER BY a.latency_ms)
  FROM attempts a
  WHERE a.started_at >= report_latency_exact.since AND a.started_at < report_latency_exact.until
  GROUP BY GROUPING SETS ((a.tier), (a.tier, a.provider, a.model))
  ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST
$$;
