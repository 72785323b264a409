import { describe, expect, it } from "vitest";
import { buildPrompt } from "../../../src/jobs/build-prompt.js";
import type { JobInput } from "../../../src/jobs/job-schema.js";
import { stampSharedPrefixes } from "../../../src/produce/shared-prefixes.js";

const classify = (prompt: string, system: string, labels = ["a", "b"]): { job: JobInput } => ({
  job: { kind: "classify", prompt, system, labels },
});

describe("stampSharedPrefixes", () => {
  it("counts jobs by prefix (kind, system, labels), whatever their items", () => {
    const stamped = stampSharedPrefixes([
      classify("one", "S"),
      classify("two", "S"),
      classify("three", "S"),
      classify("four", "S", ["a", "c"]),
      classify("five", "T"),
    ]);
    expect(stamped.map((entry) => entry.job.sharedPrefixJobs)).toEqual([3, 3, 3, 1, 1]);
    expect(buildPrompt(stamped[0]!.job).prefix?.sharedJobs).toBe(3);
  });

  it("keeps a larger count the job already declares, never a smaller one", () => {
    const [declared, low] = stampSharedPrefixes([
      { job: { ...classify("one", "S").job, sharedPrefixJobs: 500 } },
      { job: { ...classify("two", "U").job, sharedPrefixJobs: 1 } },
      classify("three", "U"),
    ]);
    expect(declared!.job.sharedPrefixJobs).toBe(500);
    expect(low!.job.sharedPrefixJobs).toBe(2);
  });
});

describe("prompt layout", () => {
  it("is a byte-identical prefix for jobs that share system and labels, with the item only in messages", () => {
    const a = buildPrompt(classify("first item", "Shared instructions.").job);
    const b = buildPrompt(classify("a different item", "Shared instructions.").job);
    expect(a.system).toBe(b.system);
    expect(a.prefix!.hash).toBe(b.prefix!.hash);
    expect(a.system).not.toContain("first item");
    expect(a.system.indexOf("Shared instructions.")).toBeLessThan(a.system.indexOf("Allowed labels"));
    expect(a.prefix!.tokens).toBe(Math.ceil(a.system.length / 4));
  });
});
