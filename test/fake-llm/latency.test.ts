import { describe, expect, it } from "vitest";
import { drawLatencyMs } from "../../src/fake-llm/latency.js";
import { DrawSource } from "../../src/fake-llm/outcome.js";
import { parseScenario, resolveBehaviour } from "../../src/fake-llm/scenario.js";

/** Issue 16 item 20: latency was one fixed number per model; now also a seeded distribution. */
describe("fake provider latency distributions", () => {
  const grid = (n: number) => Array.from({ length: n }, (_, index) => (index + 0.5) / n);
  const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * values.length)]!;

  it("accepts a number, { min, max } and { p50, p99 } in a scenario, and refuses inverted ones", () => {
    const scenario = parseScenario({
      models: { "*": { latencyMs: { p50: 40, p99: 400 } }, a: { latencyMs: { min: 10, max: 30 } }, b: { latencyMs: 5 } },
    });
    expect(resolveBehaviour(scenario, "x").latencyMs).toEqual({ p50: 40, p99: 400 });
    expect(resolveBehaviour(scenario, "a").latencyMs).toEqual({ min: 10, max: 30 });
    expect(resolveBehaviour(scenario, "b").latencyMs).toBe(5);
    expect(() => parseScenario({ models: { a: { latencyMs: { min: 30, max: 10 } } } })).toThrow("min must be <= max");
    expect(() => parseScenario({ models: { a: { latencyMs: { p50: 300, p99: 10 } } } })).toThrow("p50 must be <= p99");
    expect(() => parseScenario({ models: { a: { latencyMs: { p50: 10 } } } })).toThrow(/latencyMs/);
  });

  it("gives { p50, p99 } that median and 99th percentile", () => {
    const draws = grid(10_000).map((u) => drawLatencyMs({ p50: 40, p99: 400 }, u));
    expect(quantile(draws, 0.5)).toBeGreaterThanOrEqual(39);
    expect(quantile(draws, 0.5)).toBeLessThanOrEqual(41);
    expect(quantile(draws, 0.99)).toBeGreaterThanOrEqual(390);
    expect(quantile(draws, 0.99)).toBeLessThanOrEqual(410);
    expect(Math.min(...draws)).toBeGreaterThan(0);
  });

  it("spreads { min, max } uniformly between them", () => {
    const draws = grid(1_000).map((u) => drawLatencyMs({ min: 10, max: 30 }, u));
    expect(Math.min(...draws)).toBe(10);
    expect(Math.max(...draws)).toBe(30);
    expect(quantile(draws, 0.5)).toBe(20);
  });

  it("draws the same latencies for the same seed, model, prompt and call number", () => {
    const a = new DrawSource(7);
    const b = new DrawSource(7);
    const c = new DrawSource(8);
    const first = [a.next("m", "p"), a.next("m", "p"), a.next("m", "q")].map((draw) => draw.latencyU);
    expect([b.next("m", "p"), b.next("m", "p"), b.next("m", "q")].map((draw) => draw.latencyU)).toEqual(first);
    expect(c.next("m", "p").latencyU).not.toBe(first[0]);
    expect(new Set(first).size).toBe(3);
  });
});
