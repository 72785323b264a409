import { describe, expect, it } from "vitest";
import { applyDefaults } from "../../../src/jobs/job-defaults.js";
import { jobInputSchema } from "../../../src/jobs/job-schema.js";
import { parseCsvJobs } from "../../../src/jobs/read-job-file.js";
import { MAX_WAIT_LIMIT_MS, parseMaxWaitMs } from "../../../src/jobs/max-wait.js";
import { heldWaitMs, waitBoundMs } from "../../../src/tiers/wait-bound.js";

describe("maxWait: a batch's bound on waiting for busy models", () => {
  it("reads durations in the deadline's units, 0 included, up to a day", () => {
    expect(parseMaxWaitMs("30s")).toBe(30_000);
    expect(parseMaxWaitMs(" 2m ")).toBe(120_000);
    expect(parseMaxWaitMs("1.5h")).toBe(5_400_000);
    expect(parseMaxWaitMs("250ms")).toBe(250);
    expect(parseMaxWaitMs("0s")).toBe(0);
    expect(parseMaxWaitMs("24h")).toBe(MAX_WAIT_LIMIT_MS);
  });

  it("refuses what is not a bounded duration", () => {
    for (const bad of ["", "30", "soon", "-5s", "2 minutes", "25h", "2026-12-01T00:00:00Z", "0"]) {
      expect(parseMaxWaitMs(bad), bad).toBeUndefined();
    }
  });

  it("is a job field: checked at enqueue with a clear message, filled by --max-wait only where a line gives none", () => {
    const job = { kind: "generate", prompt: "hello" };
    expect(jobInputSchema.safeParse({ ...job, maxWait: "5s" }).success).toBe(true);
    const bad = jobInputSchema.safeParse({ ...job, maxWait: "five seconds" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/^maxWait must be a duration like "30s"/);
    expect(applyDefaults(job, { maxWait: "5s" })).toMatchObject({ maxWait: "5s" });
    expect(applyDefaults({ ...job, maxWait: "1m" }, { maxWait: "5s" })).toMatchObject({ maxWait: "1m" });
  });

  it("is a CSV column; an empty cell takes the --max-wait default", () => {
    const csv = "kind,prompt,maxWait\ngenerate,a,30s\ngenerate,b,\n";
    expect(parseCsvJobs(Buffer.from(csv), { maxWait: "5s" })).toEqual([
      { line: 2, job: { kind: "generate", prompt: "a", maxWait: "30s" } },
      { line: 3, job: { kind: "generate", prompt: "b", maxWait: "5s" } },
    ]);
  });

  it("wins over the config's maxWaitMs in the tier; an unreadable one falls back to the config", () => {
    expect(waitBoundMs({ maxWait: "5s" }, 600_000)).toBe(5_000);
    expect(waitBoundMs({ maxWait: "0s" }, 600_000)).toBe(0);
    expect(waitBoundMs({}, 600_000)).toBe(600_000);
    expect(waitBoundMs({ maxWait: "later" }, 600_000)).toBe(600_000);
  });

  it("a job held behind a blocked tier has waited since the later of the blockage and its arrival, never less than its own deferrals", () => {
    const fresh = { waitedMs: 0, deferralsHere: 0 };
    // Blocked at 10 s, the job queued at 4 s: held since 10 s.
    expect(heldWaitMs(fresh, 25_000, 10_000, 4_000)).toBe(15_000);
    // Queued after the tier went dark: held since it arrived.
    expect(heldWaitMs(fresh, 25_000, 10_000, 20_000)).toBe(5_000);
    // Its own deferrals here (over every tier) say more.
    expect(heldWaitMs({ waitedMs: 30_000, deferralsHere: 3 }, 25_000, 10_000, 4_000)).toBe(30_000);
    // A clock behind the mark's (another pod's) adds nothing.
    expect(heldWaitMs({ waitedMs: 2_000, deferralsHere: 1 }, 9_000, 10_000, 4_000)).toBe(2_000);
  });

  it("adds what an escalated job waited in the tiers before to its time held here: the bound is over every tier", () => {
    // Waited 4 s below, escalated into this dark tier at 20 s, held 3 s: 7 s in all, not 4 s.
    expect(heldWaitMs({ waitedMs: 4_000, deferralsHere: 0 }, 23_000, 10_000, 20_000)).toBe(7_000);
    // Once deferred here, its waitedMs already holds the earlier tiers and this one: not added twice.
    expect(heldWaitMs({ waitedMs: 8_000, deferralsHere: 1 }, 23_000, 10_000, 20_000)).toBe(8_000);
  });
});
