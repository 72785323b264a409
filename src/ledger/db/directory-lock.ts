import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";

/**
 * An exclusive hold on the embedded database's directory. PGlite is one process's memory image of
 * the files: a second process writing the same directory loses writes silently (the issue that
 * lost twenty answers), so the second one must refuse before it opens anything.
 *
 * An O_EXCL lock file holding the owner's pid and host, rather than proper-lockfile: the embedded
 * database is only ever on this machine, so "is that pid alive?" is an exact staleness test, while
 * an mtime lease would need a refresh timer and could be broken under a worker whose event loop
 * stalls past the lease. A lock left by a killed process (kill -9) is noticed and taken over.
 */
export class DatabaseLockedError extends Error {
  override name = "DatabaseLockedError";
}

export interface DirectoryLock {
  readonly path: string;
  /** Idempotent. */
  release(): void;
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** Where the lock of a data directory lives: beside it, so PGlite never sees a foreign file in it. */
export const lockPathOf = (dataDir: string): string => `${dataDir.replace(/[\\/]+$/, "")}.lock`;

export function lockDirectory(dataDir: string): DirectoryLock {
  const path = lockPathOf(dataDir);
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  // Written whole under a private name, then linked into place: link fails if the lock exists, and
  // a reader never sees a half-written owner.
  const draft = `${path}.${process.pid}`;
  writeFileSync(draft, JSON.stringify(owner));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = readOwner(path);
      if (attempt === 0 && (holder === undefined || isStale(holder))) {
        // Left by a process that died without releasing it: take it over once.
        unlinkQuietly(path);
        continue;
      }
      throw new DatabaseLockedError(
        holder ? lockedMessage(dataDir, path, holder) : `the embedded database ${dataDir} is locked (${path} cannot be read)`,
      );
    }
  } finally {
    unlinkQuietly(draft);
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    unlinkQuietly(path);
  };
  // A process that exits without closing the database still frees it.
  process.on("exit", release);
  return { path, release };
}

function lockedMessage(dataDir: string, path: string, owner: LockOwner): string {
  return (
    `the embedded database ${dataDir} is in use by process ${owner.pid} on ${owner.host} (since ${owner.since}); ` +
    "it serves one process at a time. To run migrate, worker and enqueue as separate processes, set DATABASE_URL " +
    "to a Postgres server; or run everything in one process with `llm-router demo`" +
    (owner.host === hostname() ? "" : `. If that process is gone, delete ${path}`)
  );
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    if (typeof parsed.pid !== "number" || typeof parsed.host !== "string") return undefined;
    return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? "an unknown time") };
  } catch {
    return undefined;
  }
}

/** Only a lock of this host can be judged; another host's lock (a shared volume) is respected. */
function isStale(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
