CREATE TABLE "provider_batch_items" (
	"attempt_id" uuid PRIMARY KEY NOT NULL,
	"submission_id" text NOT NULL,
	"request_id" text NOT NULL,
	"item" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "provider_batches" ADD COLUMN "duplicate_of" text;--> statement-breakpoint
ALTER TABLE "provider_batch_items" ADD CONSTRAINT "provider_batch_items_submission_id_provider_batches_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."provider_batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "provider_batch_items_submission_idx" ON "provider_batch_items" USING btree ("submission_id");--> statement-breakpoint
CREATE INDEX "provider_batch_items_request_idx" ON "provider_batch_items" USING btree ("request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "provider_batches_provider_batch_idx" ON "provider_batches" USING btree ("provider","provider_batch_id");