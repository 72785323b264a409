CREATE TABLE "provider_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"tier" text NOT NULL,
	"state" text NOT NULL,
	"provider_batch_id" text,
	"items" integer NOT NULL,
	"batch_items" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cancel_at" timestamp with time zone NOT NULL,
	"create_failures" integer DEFAULT 0 NOT NULL,
	"cancel_requested_at" timestamp with time zone,
	"ingested" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "lane" text DEFAULT 'realtime' NOT NULL;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "provider_batch_id" text;--> statement-breakpoint
ALTER TABLE "attempts" ADD COLUMN "realtime_cost_usd" numeric(20, 12);--> statement-breakpoint
CREATE INDEX "provider_batches_open_idx" ON "provider_batches" USING btree ("provider","state");--> statement-breakpoint
CREATE INDEX "attempts_provider_batch_idx" ON "attempts" USING btree ("provider_batch_id") WHERE provider_batch_id is not null;