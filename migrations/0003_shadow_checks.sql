CREATE TABLE "shadow_checks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"tier" text NOT NULL,
	"model" text NOT NULL,
	"top_model" text NOT NULL,
	"outcome" text NOT NULL,
	"agrees" boolean,
	"top_answer" text,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cache_read_tokens" integer DEFAULT 0 NOT NULL,
	"cache_write_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 12) DEFAULT '0' NOT NULL,
	"latency_ms" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "shadow_checks_request_idx" ON "shadow_checks" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "shadow_checks_created_at_idx" ON "shadow_checks" USING btree ("created_at");--> statement-breakpoint
-- Agreement of cheaper answers with the top tier's, by feature and by the tier that answered
-- (classify and extract only: free text has no exact agreement), and what measuring cost.
CREATE VIEW "report_shadow_agreement" AS
SELECT coalesce(r.feature, '(none)') AS feature,
       s.tier,
       r.kind,
       count(*) AS checks,
       count(*) FILTER (WHERE s.agrees IS NOT NULL) AS comparable,
       count(*) FILTER (WHERE s.agrees) AS agreeing,
       round(count(*) FILTER (WHERE s.agrees)::numeric / nullif(count(*) FILTER (WHERE s.agrees IS NOT NULL), 0), 4) AS agreement_rate,
       sum(s.cost_usd) AS cost_of_measuring_usd
FROM shadow_checks s
JOIN requests r ON r.id = s.request_id
GROUP BY 1, 2, 3;
