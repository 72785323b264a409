import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes a new SQL migration under migrations/ from src/ledger/db/schema.ts.
// Migrations are committed and applied by `llm-router migrate` (never by drizzle-kit push in production).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/ledger/db/schema.ts",
  out: "./migrations",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" },
});
