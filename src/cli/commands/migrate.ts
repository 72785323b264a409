import type { Command } from "commander";
import { withRuntime } from "../with-runtime.js";

export function registerMigrate(program: Command): void {
  program
    .command("migrate")
    .description("apply the database migrations to DATABASE_URL (or the embedded PGlite); safe to run from several pods at once")
    .action(() =>
      withRuntime({}, async (runtime) => {
        const database = await runtime.database();
        await database.migrate();
        process.stdout.write(`migrations applied to ${database.describe}\n`);
      }),
    );
}
