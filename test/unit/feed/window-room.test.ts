import { describe, expect, it } from "vitest";
import { parseDurationMs } from "../../../src/feed/parse-duration.js";
import { tierRunBoundMs } from "../../../src/feed/reassert-limits.js";
import { windowRoom } from "../../../src/feed/window-room.js";
import { routesAtEnqueue } from "../../../src/produce/backlog-entry.js";
import { testConfig } from "../../helpers/pipeline.js";

describe("windowRoom", () => {
  it.each([
    {
      what: "empty queues: a whole window each",
      held: { intake: 0, cheap: 0, premium: 0 },
      room: { intake: 100, cheap: 100, premium: 100 },
    },
    { what: "a tier counts only itself", held: { intake: 0, cheap: 40, premium: 100 }, room: { intake: 0, cheap: 60, premium: 0 } },
    {
      what: "intake shares one window with every tier",
      held: { intake: 10, cheap: 30, premium: 20 },
      room: { intake: 40, cheap: 70, premium: 80 },
    },
    {
      what: "over the window (escalations) is no room, never negative",
      held: { intake: 0, cheap: 130, premium: 0 },
      room: { intake: 0, cheap: 0, premium: 100 },
    },
  ])("$what", ({ held, room }) => {
    expect(Object.fromEntries(windowRoom(100, new Map(Object.entries(held))))).toEqual(room);
  });
});

describe("parseDurationMs", () => {
  it.each([
    ["10m", 600_000],
    ["30s", 30_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["500ms", 500],
    ["1500", 1_500],
    ["1.5s", 1_500],
  ])("%s is %d ms", (text, ms) => expect(parseDurationMs(text)).toBe(ms));
  it.each(["", "ten minutes", "-5m", "5 m", "5w", "m"])("refuses %j", (text) => expect(parseDurationMs(text)).toBeUndefined());
});

describe("tierRunBoundMs", () => {
  it("is every model's timeout times its tries: how long a job can hold a slot", () => {
    const tier = testConfig().tiers[0]!; // two models at 2000 ms
    expect(tierRunBoundMs(tier, 1)).toBe(2 * 2_000 * 2);
    expect(tierRunBoundMs(tier, 0)).toBe(2 * 2_000);
  });
});

describe("routesAtEnqueue", () => {
  it.each([
    ["heuristic", true],
    ["llm", false],
    ["hybrid", false],
  ] as const)("%s: %s", (classifier, routes) => {
    expect(routesAtEnqueue(testConfig({ routing: { classifier } }))).toBe(routes);
  });
});
