import { describe, expect, it } from "vitest";
import { displayUsd, formatUsd, numberToDecimalString, parseUsd, perMtokToPicoPerToken } from "../../../src/pricing/money.js";

describe("perMtokToPicoPerToken", () => {
  it.each([
    ["0.075", 75_000n],
    ["3", 3_000_000n],
    ["0", 0n],
    ["15", 15_000_000n],
    ["0.25", 250_000n],
    ["1.25", 1_250_000n],
    ["0.000001", 1n],
    ["0.123456", 123_456n],
    ["22.5", 22_500_000n],
    ["1000000", 1_000_000_000_000n],
    ["0.10", 100_000n],
    // trailing zeros past the sixth decimal carry no value, so they are accepted
    ["1.12345600", 1_123_456n],
    [" 2.5 ", 2_500_000n],
  ])("%j per MTok is %d picodollars per token", (price, expected) => {
    expect(perMtokToPicoPerToken(price)).toBe(expected);
  });

  it("is exact where floats are not: 0.1 + 0.2 per MTok add up to exactly 0.3", () => {
    expect(perMtokToPicoPerToken("0.1") + perMtokToPicoPerToken("0.2")).toBe(perMtokToPicoPerToken("0.3"));
  });

  it("refuses more than 6 significant decimals", () => {
    expect(() => perMtokToPicoPerToken("0.0000001")).toThrow(
      'price "0.0000001" has more than 6 decimals per million tokens; cannot price it exactly',
    );
    expect(() => perMtokToPicoPerToken("1.1234567")).toThrow(/more than 6 decimals/);
  });

  it.each(["", "-1", "1e-7", ".5", "1.", "abc", "1,5", "$3", "NaN"])("refuses %j as not a decimal", (price) => {
    expect(() => perMtokToPicoPerToken(price)).toThrow(`not a decimal price: "${price}"`);
  });
});

describe("numberToDecimalString", () => {
  it.each([
    [0.075, "0.075"],
    [3, "3"],
    [0, "0"],
    [1.25, "1.25"],
    [22.5, "22.5"],
    [1e-7, "0.0000001"],
    [2.5e-7, "0.00000025"],
  ])("%d → %j", (value, expected) => {
    expect(numberToDecimalString(value)).toBe(expected);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])("rejects %d", (value) => {
    expect(() => numberToDecimalString(value)).toThrow(`not a price: ${value}`);
  });
});

describe("formatUsd / parseUsd", () => {
  it.each([
    [0n, "0.000000000000"],
    [1n, "0.000000000001"],
    [-1n, "-0.000000000001"],
    [75_000n, "0.000000075000"],
    [1_000_000_000_000n, "1.000000000000"],
    [-1_000_000_000_000n, "-1.000000000000"],
    [13_175_000_000n, "0.013175000000"],
    [123_456_789_012_345_678n, "123456.789012345678"],
    [-999_999_999_999n, "-0.999999999999"],
  ])("formats %d picodollars as %j and parses it back", (amount, text) => {
    expect(formatUsd(amount)).toBe(text);
    expect(parseUsd(text)).toBe(amount);
  });

  it("round-trips values far beyond Number.MAX_SAFE_INTEGER", () => {
    const huge = 10n ** 30n + 7n;
    expect(formatUsd(huge)).toBe("1000000000000000000.000000000007");
    expect(parseUsd(formatUsd(huge))).toBe(huge);
    expect(parseUsd(formatUsd(-huge))).toBe(-huge);
  });

  it("parses Postgres numeric text of any scale up to 12 places", () => {
    expect(parseUsd("0.00123")).toBe(1_230_000_000n);
    expect(parseUsd("12")).toBe(12_000_000_000_000n);
    expect(parseUsd("-3.5")).toBe(-3_500_000_000_000n);
    expect(parseUsd(" 1.5 ")).toBe(1_500_000_000_000n);
    // zeros beyond the 12th decimal are harmless
    expect(parseUsd("0.000000000001000")).toBe(1n);
  });

  it("refuses amounts finer than a picodollar", () => {
    expect(() => parseUsd("0.0000000000001")).toThrow('USD amount "0.0000000000001" is finer than a picodollar');
  });

  it.each(["", "abc", "1e-3", "--1", "+1", "1.2.3", "$1"])("refuses %j", (text) => {
    expect(() => parseUsd(text)).toThrow(`not a USD amount: "${text}"`);
  });
});

describe("displayUsd", () => {
  it.each([
    // [picodollars, places, expected]
    [0n, 4, "0.0000"],
    [13_175_000_000n, 4, "0.0132"], // 0.013175 → 0.0132
    [50_000_000n, 4, "0.0001"], // exactly half a unit rounds away from zero
    [49_999_999n, 4, "0.0000"],
    [-50_000_000n, 4, "-0.0001"], // half away from zero on the negative side too
    [-49_999_999n, 4, "0.0000"], // never "-0.0000"
    [-1n, 4, "0.0000"],
    [1_234_550_000_000n, 4, "1.2346"],
    [1_234_549_999_999n, 4, "1.2345"],
    [-1_234_550_000_000n, 4, "-1.2346"],
    [999_950_000_000n, 4, "1.0000"], // carries into the whole dollars
    [1_500_000_000_000n, 0, "2"],
    [2_500_000_000_000n, 0, "3"],
    [-2_500_000_000_000n, 0, "-3"],
    [1_005_000_000_000n, 2, "1.01"],
    [1n, 12, "0.000000000001"],
    [5_000_000_000n, 2, "0.01"],
    [4_999_999_999n, 2, "0.00"],
  ])("%d picodollars to %d places is %j", (amount, places, expected) => {
    expect(displayUsd(amount, places)).toBe(expected);
  });

  it("defaults to 4 places", () => {
    expect(displayUsd(123_456_789_000n)).toBe("0.1235");
  });
});
