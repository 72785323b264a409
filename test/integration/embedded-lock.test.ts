import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openPglite } from "../../src/ledger/db/database.js";
import { DatabaseLockedError, lockPathOf } from "../../src/ledger/db/directory-lock.js";
import { runCli } from "../helpers/cli-process.js";

/** Issue 16 item 1: two processes on one PGlite directory lost answers; the second must refuse. */
describe("embedded database lock", { timeout: 60_000 }, () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "llm-router-lock-"));
    dirs.push(dir);
    return join(dir, "pgdata");
  };

  it("refuses a second process at once, saying to set DATABASE_URL or use demo", async () => {
    const dir = await dataDir();
    const held = await openPglite(dir);
    try {
      const result = await runCli(["migrate"], { DATABASE_URL: "", PGLITE_DIR: dir, LOG_LEVEL: "" });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`in use by process ${process.pid}`);
      expect(result.stderr).toContain("set DATABASE_URL");
      expect(result.stderr).toContain("llm-router demo");
    } finally {
      await held.close();
    }
    // Released on close: the next process gets it.
    const after = await runCli(["migrate"], { DATABASE_URL: "", PGLITE_DIR: dir, LOG_LEVEL: "" });
    expect(after.code, after.stderr).toBe(0);
  });

  it("refuses a second open in the same process too", async () => {
    const dir = await dataDir();
    const held = await openPglite(dir);
    try {
      await expect(openPglite(dir)).rejects.toBeInstanceOf(DatabaseLockedError);
    } finally {
      await held.close();
    }
  });

  it("takes over a lock left by a process that died", async () => {
    const dir = await dataDir();
    // A pid far above any pid_max: no such process.
    await writeFile(lockPathOf(dir), JSON.stringify({ pid: 2 ** 30, host: hostname(), since: "2020-01-01T00:00:00Z" }));
    const database = await openPglite(dir);
    await database.migrate();
    expect(await database.ping()).toBe(true);
    await database.close();
  });
});
