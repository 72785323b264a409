ALTER TABLE "requests" ADD COLUMN "payload" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "stage" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "fed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "requests_backlog_idx" ON "requests" USING btree ("stage","batch_id","seq") WHERE fed_at is null and status = 'queued';--> statement-breakpoint
CREATE INDEX "requests_fed_queued_idx" ON "requests" USING btree ("fed_at","id") WHERE fed_at is not null and status = 'queued';--> statement-breakpoint
-- Requests queued before the backlog existed were added to Redis at enqueue: they count as fed (and, with no payload, are never fed again).
UPDATE "requests" SET "fed_at" = "created_at" WHERE "status" = 'queued';
