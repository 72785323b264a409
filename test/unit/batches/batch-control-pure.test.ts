import { describe, expect, it } from "vitest";
import { failureReasonOf, rankFailureReasons } from "../../../src/batches/failure-reasons.js";
import { toResultRecord, type ResultRow } from "../../../src/batches/result-record.js";
import { isLoopbackHost, presentedToken, tokensEqual } from "../../../src/dashboard/dashboard-auth.js";
import { resultLine, resultsHeader } from "../../../src/report/render/results-format.js";

const row = (overrides: Partial<ResultRow> = {}): ResultRow => ({
  id: "r-1",
  status: "succeeded",
  kind: "classify",
  feature: null,
  metadata: null,
  initial_tier: "cheap",
  final_tier: "cheap",
  final_model: "gpt-5-mini",
  escalations: 0,
  cost_usd: "0.000012",
  result: "billing",
  error: null,
  ...overrides,
});

describe("result records", () => {
  it("hands an extract answer back as its object, other answers as text", () => {
    expect(toResultRecord(row({ kind: "extract", result: '{"total":12.5}' })).result).toEqual({ total: 12.5 });
    expect(toResultRecord(row()).result).toBe("billing");
    expect(toResultRecord(row({ status: "failed", result: null, error: "x" })).result).toBeNull();
  });

  it("writes CSV with a header, JSON in structured cells, and formulas defused", () => {
    const record = toResultRecord(row({ result: "=1+1", metadata: { a: "b,c" }, feature: "@risk" }));
    expect(resultsHeader("csv")).toBe(
      "id,status,result,error,kind,feature,metadata,initial_tier,final_tier,final_model,escalations,cost_usd\n",
    );
    expect(resultLine(record, "csv")).toBe(`r-1,succeeded,'=1+1,,classify,'@risk,"{""a"":""b,c""}",cheap,cheap,gpt-5-mini,0,0.000012\n`);
    expect(JSON.parse(resultLine(record, "jsonl"))).toEqual(record);
    expect(resultsHeader("jsonl")).toBe("");
  });
});

describe("failure reasons", () => {
  it("groups errors by what failed and the last thing tried", () => {
    const pinned = "pinned model m gave no valid answer: m: openai answered 500: boom";
    expect(failureReasonOf(`every tier failed (top tier premium): a: 529; b: timeout after 2000 ms`)).toBe(
      "every tier failed (top tier premium): b: timeout after 2000 ms",
    );
    expect(failureReasonOf(null)).toBe("(no reason recorded)");
    expect(
      rankFailureReasons(
        [
          { error: `${pinned}`, requests: 2 },
          { error: "pinned model m gave no valid answer: m: invalid; m: openai answered 500: boom", requests: 3 },
          { error: "cannot route: unknown tier x", requests: 4 },
        ],
        5,
      ),
    ).toEqual([
      { reason: "pinned model m gave no valid answer: m: openai answered 500: boom", requests: 5 },
      { reason: "cannot route: unknown tier x", requests: 4 },
    ]);
  });
});

describe("dashboard auth", () => {
  it("compares tokens of any length without failing", () => {
    expect(tokensEqual("secret-token-123456", "secret-token-123456")).toBe(true);
    expect(tokensEqual("secret", "secret-token-123456")).toBe(false);
    expect(tokensEqual("", "secret-token-123456")).toBe(false);
  });

  it("reads the token from a bearer header, the cookie, or the query, in that order", () => {
    const query = new URLSearchParams("token=from-query");
    expect(presentedToken({ authorization: "Bearer from-header" }, query)).toBe("from-header");
    expect(presentedToken({ cookie: "a=b; llm_router_dashboard=from%20cookie" }, query)).toBe("from cookie");
    expect(presentedToken({}, query)).toBe("from-query");
    expect(presentedToken({}, new URLSearchParams())).toBeUndefined();
  });

  it("treats only loopback as open", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1"]) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["0.0.0.0", "10.0.0.5", "example.com", "::"]) expect(isLoopbackHost(host)).toBe(false);
  });
});
