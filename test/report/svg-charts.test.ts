import { describe, expect, it } from "vitest";
import { orderTiers } from "../../src/report/query/report-insights.js";
import { escapeXml, groupedBars, niceTicks, shareBars, stackedBarChart } from "../../src/report/render/svg-charts.js";

const marks = (svg: string) => (svg.match(/class="mark"/g) ?? []).length;

describe("svg charts", () => {
  it("picks round axis ticks that cover the data", () => {
    expect(niceTicks(0.47)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(1_234)).toEqual([0, 250, 500, 750, 1000, 1250]);
    expect(niceTicks(0.0031)).toEqual([0, 0.001, 0.002, 0.003, 0.004]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it("draws a mark per non-zero value, each with its value and an escaped tooltip", () => {
    const svg = stackedBarChart({
      name: "cost",
      description: "cost",
      categories: ["2026-11-01", "2026-11-02"],
      series: [
        {
          name: "cheap",
          color: "#0a0",
          marks: [
            { value: 1, label: "a <b>" },
            { value: 0, label: "zero" },
          ],
        },
        {
          name: "premium",
          color: "#00a",
          marks: [
            { value: 2, label: "c" },
            { value: 3, label: "d" },
          ],
        },
      ],
      formatValue: String,
    });
    expect(marks(svg)).toBe(3);
    expect(svg).toContain('data-chart="cost"');
    expect(svg).toContain("<title>a &lt;b&gt;</title>");
    expect(svg).toMatch(/data-value="3"/);
  });

  it("says so instead of drawing an empty chart", () => {
    expect(shareBars({ name: "routing", description: "r", rows: [{ label: "x", segments: [] }] })).toContain("No data for this range");
    expect(groupedBars({ name: "latency", description: "l", groups: [], formatValue: String })).toContain("No data");
  });

  it("escapes everything XML would read", () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("orders tiers by the config, then by cost per call", () => {
    const costs = [
      { day: "d", tier: "gold", calls: 1, costUsd: "5" },
      { day: "d", tier: "bronze", calls: 10, costUsd: "1" },
      { day: "d", tier: "silver", calls: 2, costUsd: "1" },
    ];
    expect(orderTiers(["gold", "silver", "bronze"], costs)).toEqual(["bronze", "silver", "gold"]);
    expect(orderTiers(["gold", "silver", "bronze"], costs, ["silver"])).toEqual(["silver", "bronze", "gold"]);
  });
});
