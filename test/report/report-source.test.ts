import { describe, expect, it } from "vitest";
import { needsBatchRollup, planSource, requestCountColumn } from "../../src/report/query/report-source.js";

describe("where a report reads from", () => {
  it("reads the rollups unless --since or --until falls inside a UTC day", () => {
    expect(planSource({})).toEqual({ kind: "rollup" });
    expect(planSource({ since: new Date("2026-11-01"), until: new Date("2026-11-08T00:00:00Z") })).toEqual({ kind: "rollup" });
    expect(planSource({ since: new Date("2026-11-01T09:30:00Z") })).toMatchObject({
      kind: "raw",
      reason: expect.stringMatching(/inside a UTC day/),
    });
    expect(planSource({}, "raw")).toEqual({ kind: "raw" });
    expect(() => planSource({ until: new Date("2026-11-01T00:00:01Z") }, "rollup")).toThrow(/must fall on midnight UTC/);
  });

  it("uses the per-batch rollup only for a batch or feature dimension or a --batch filter", () => {
    expect(needsBatchRollup(["day", "model", "tier", "provider"], {})).toBe(false);
    expect(needsBatchRollup(["feature"], {})).toBe(true);
    expect(needsBatchRollup(["batch"], {})).toBe(true);
    expect(needsBatchRollup([], { batchId: "b" })).toBe(true);
  });

  it("counts requests once per value of the call-level dimensions asked for", () => {
    expect(requestCountColumn([])).toBe("requests");
    expect(requestCountColumn(["day", "feature", "batch"])).toBe("requests");
    expect(requestCountColumn(["tier"])).toBe("tier_requests");
    expect(requestCountColumn(["provider"])).toBe("provider_requests");
    expect(requestCountColumn(["model"])).toBe("model_requests");
    expect(requestCountColumn(["provider", "model"])).toBe("model_requests");
    expect(requestCountColumn(["tier", "provider"])).toBe("tier_provider_requests");
    expect(requestCountColumn(["day", "model", "tier"])).toBe("tier_model_requests");
    expect(requestCountColumn(["tier", "provider", "model"])).toBe("tier_model_requests");
  });
});
