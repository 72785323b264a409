import { describe, expect, it } from "vitest";
import { DIMENSIONS, parseDimensions, ReportError, trimDecimal } from "../../../src/report/query/report-query.js";

const CHOICES = "day, model, provider, tier, feature, batch, kind, error_type, lane";

describe("parseDimensions", () => {
  it("knows nine dimensions", () => {
    expect(Object.keys(DIMENSIONS).join(", ")).toBe(CHOICES);
  });

  it("parses a comma-separated list in order, trimming spaces", () => {
    expect(parseDimensions("model")).toEqual(["model"]);
    expect(parseDimensions(" tier , model,day")).toEqual(["tier", "model", "day"]);
    expect(parseDimensions("day,model,provider,tier,feature,batch")).toEqual(["day", "model", "provider", "tier", "feature", "batch"]);
  });

  it("drops duplicates, keeping the first position", () => {
    expect(parseDimensions("model,tier,model, tier")).toEqual(["model", "tier"]);
  });

  it("ignores empty entries", () => {
    expect(parseDimensions("")).toEqual([]);
    expect(parseDimensions(" , ,model,,")).toEqual(["model"]);
  });

  it("rejects unknown dimensions, listing them and the choices", () => {
    expect(() => parseDimensions("model,customer,region")).toThrow(ReportError);
    expect(() => parseDimensions("model,customer,region")).toThrow(`unknown --by dimension customer, region (choose from ${CHOICES})`);
    expect(() => parseDimensions("Model")).toThrow(`unknown --by dimension Model (choose from ${CHOICES})`);
  });

  it("sets the error's name", () => {
    try {
      parseDimensions("nope");
      expect.unreachable();
    } catch (error) {
      expect((error as Error).name).toBe("ReportError");
    }
  });

  // BUG (src/report/query/report-query.ts, parseDimensions: `name in DIMENSIONS`): `in` also sees
  // Object.prototype, so these pass as dimensions and reach buildReport's SQL as DIMENSIONS[name].
  it("rejects names inherited from Object.prototype (constructor, toString, __proto__, ...)", () => {
    for (const name of ["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf"]) {
      expect(() => parseDimensions(name), name).toThrow(`unknown --by dimension ${name} (choose from ${CHOICES})`);
    }
  });
});

describe("trimDecimal", () => {
  it.each([
    ["0.001230000000", "0.00123"],
    ["12.000000000000", "12"],
    ["0.000000000000", "0"],
    ["100", "100"],
    ["0", "0"],
    ["-0.500", "-0.5"],
    ["1000.010", "1000.01"],
    ["0.000000000001", "0.000000000001"],
  ])("%j → %j", (input, expected) => {
    expect(trimDecimal(input)).toBe(expected);
  });
});
