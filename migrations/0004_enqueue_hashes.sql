ALTER TABLE "batches" ADD COLUMN "content_hash" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "job_hash" text;--> statement-breakpoint
CREATE INDEX "batches_content_hash_idx" ON "batches" USING btree ("content_hash");