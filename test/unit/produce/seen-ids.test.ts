import { describe, expect, it } from "vitest";
import { jobHash } from "../../../src/produce/content-hash.js";
import { SeenIds } from "../../../src/produce/seen-ids.js";

describe("SeenIds", () => {
  it("returns the first line of a repeated id and whether the job was the same, across growth", () => {
    const seen = new SeenIds(4);
    const same = jobHash({ kind: "generate", prompt: "a" });
    const other = jobHash({ kind: "generate", prompt: "b" });
    for (let n = 1; n <= 10_000; n++) expect(seen.claim(`id-${n}`, same, n)).toBeUndefined();
    expect(seen.size).toBe(10_000);
    expect(seen.claim("id-1", same, 10_001)).toEqual({ line: 1, sameJob: true });
    expect(seen.claim("id-9999", other, 10_002)).toEqual({ line: 9_999, sameJob: false });
    expect(seen.claim("id-10001", other, 10_003)).toBeUndefined();
    expect(seen.size).toBe(10_001);
    // Kept under 70% full: 10,001 ids in 16,384 slots of 20 bytes.
    expect(seen.bytes).toBe(16_384 * 20);
  });

  it("sized for a count of ids, holds them without growing, under 70% full", () => {
    const seen = SeenIds.forIds(1_000_000);
    const bytes = seen.bytes;
    // Slots for 1M ids at 70% (1,428,572 + 1), not the next power of two (2²¹: 42 MB).
    expect(bytes).toBe(1_428_573 * 20);
    const job = jobHash({ kind: "generate", prompt: "a" });
    for (let n = 1; n <= 1_000_000; n++) seen.claim(`m1-${n}`, job, n);
    expect(seen.bytes).toBe(bytes);
    expect(seen.claim("m1-500000", job, 1_000_001)).toEqual({ line: 500_000, sameJob: true });
    expect(SeenIds.forIds(0).bytes).toBe(4096 * 20);
  });
});
