ALTER TABLE "batches" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "metadata" jsonb;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "seq" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "requests_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
CREATE INDEX "requests_batch_seq_idx" ON "requests" USING btree ("batch_id","seq");--> statement-breakpoint
-- Cancelled requests are counted apart: a column of their own where statuses are counted, and left
-- out of the rates, routing and savings of finished work (they never got an answer, nor a verdict).
CREATE OR REPLACE VIEW report_requests_daily AS
SELECT day, coalesce(nullif(feature, ''), '(none)') AS feature, sum(requests) AS requests,
  coalesce(sum(requests) FILTER (WHERE status = 'succeeded'), 0) AS succeeded,
  coalesce(sum(requests) FILTER (WHERE status = 'failed'), 0) AS failed,
  coalesce(sum(requests) FILTER (WHERE status = 'queued'), 0) AS queued,
  sum(escalated) AS escalated, sum(escalations) AS escalations, sum(attempts) AS calls,
  sum(cost_usd) AS cost_usd, sum(baseline_cost_usd) AS baseline_cost_usd,
  sum(baseline_cost_usd) - sum(cost_usd) AS savings_usd,
  coalesce(sum(requests) FILTER (WHERE status = 'cancelled'), 0) AS cancelled
FROM request_rollup_daily GROUP BY day, feature HAVING sum(requests) <> 0;--> statement-breakpoint
CREATE OR REPLACE VIEW report_routing_daily AS
SELECT day, tier, sum(initial_requests) AS initial_requests, sum(final_requests) AS final_requests
FROM (
  SELECT day, initial_tier AS tier, requests AS initial_requests, 0 AS final_requests FROM request_rollup_daily WHERE status IN ('succeeded', 'failed')
  UNION ALL
  SELECT day, final_tier, 0, requests FROM request_rollup_daily WHERE status IN ('succeeded', 'failed')
) AS routes
WHERE tier <> '' GROUP BY day, tier;--> statement-breakpoint
CREATE OR REPLACE VIEW report_rates_daily AS
SELECT day, sum(requests) AS finished, sum(escalated) AS escalated,
  round(100.0 * sum(escalated) / nullif(sum(requests), 0), 2) AS escalation_percent,
  coalesce(sum(requests) FILTER (WHERE status = 'failed'), 0) AS failed,
  round(100.0 * coalesce(sum(requests) FILTER (WHERE status = 'failed'), 0) / nullif(sum(requests), 0), 2) AS failure_percent
FROM request_rollup_daily WHERE status IN ('succeeded', 'failed') GROUP BY day;--> statement-breakpoint
CREATE OR REPLACE VIEW report_savings_daily AS
SELECT day, coalesce(nullif(feature, ''), '(none)') AS feature, sum(requests) AS requests,
  sum(cost_usd) AS cost_usd, sum(baseline_cost_usd) AS baseline_cost_usd,
  sum(baseline_cost_usd) - sum(cost_usd) AS savings_usd,
  round(100 * (sum(baseline_cost_usd) - sum(cost_usd)) / nullif(sum(baseline_cost_usd), 0), 2) AS savings_percent
FROM request_rollup_daily WHERE status IN ('succeeded', 'failed') GROUP BY day, feature;
