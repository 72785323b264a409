import { describe, expect, it } from "vitest";
import { parseDurationMs } from "../../../src/jobs/duration.js";

describe("parseDurationMs: the one duration parser (deadline, maxWait, recover --older-than)", () => {
  it.each([
    ["500ms", 500],
    ["1.5s", 1_500],
    [" 10m ", 600_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["0s", 0],
    ["0.0m", 0],
    ["0.6ms", 1],
  ])("%j is %d ms", (text, ms) => expect(parseDurationMs(text)).toBe(ms));
  it.each(["", "30", "-5s", "5 m", "5w", "m", "0.4ms", "2026-12-01T00:00:00Z"])("refuses %j", (text) =>
    expect(parseDurationMs(text)).toBeUndefined(),
  );
});
