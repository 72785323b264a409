import { describe, expect, it } from "vitest";
import { copyField, copyRow } from "../../../src/ledger/db/copy-text.js";

describe("COPY text format", () => {
  it("escapes exactly backslash, newline, carriage return and tab, and writes NULL as \\N", () => {
    expect(copyField("a\\b\nc\rd\te")).toBe("a\\\\b\\nc\\rd\\te");
    expect(copyField("\\N")).toBe("\\\\N");
    expect(copyField(null)).toBe("\\N");
    expect(copyField(undefined)).toBe("\\N");
    expect(copyField("")).toBe("");
    expect(copyField('"quotes", commas; ünïcødé 🚀 עברית')).toBe('"quotes", commas; ünïcødé 🚀 עברית');
    expect(copyField(0.18867585)).toBe("0.18867585");
  });

  it("refuses what a Postgres text value cannot hold rather than send it", () => {
    expect(() => copyField("a\u0000b")).toThrow(/NUL/);
    expect(() => copyField(Number.NaN)).toThrow(/finite/);
  });

  it("joins a row's fields with tabs and ends it with a newline", () => {
    expect(copyRow(["id-1", null, "x\ty", 3])).toBe("id-1\t\\N\tx\\ty\t3\n");
  });
});
