import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Migrates one template database per run; test files clone it (test/helpers/postgres.ts).
    globalSetup: ["test/helpers/global-setup.ts"],
    // Fails a file that leaves a worker, queue, pool, connection, server or child process open.
    setupFiles: ["test/helpers/leak-check.ts"],
    // Integration tests spawn workers and servers; two at a time matches this 2-core machine.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
