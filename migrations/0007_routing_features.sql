ALTER TABLE "requests" ADD COLUMN "routing_features" jsonb;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "prompt" text;