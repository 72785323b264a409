import { describe, expect, it } from "vitest";
import { createInMemoryModelGate } from "../../../src/guards/in-memory-model-gate.js";
import type { ModelConfig } from "../../../src/config/router-config-schema.js";
import { manualClock } from "../../helpers/in-memory-stage.js";
import { testConfig } from "../../helpers/pipeline.js";

const base = testConfig().tiers[0]!.models[0]!;
const model = (overrides: Partial<ModelConfig> = {}): ModelConfig => ({ ...base, ...overrides });

function gate(circuit = { windowMs: 10_000, minCalls: 4, failureRate: 0.5, openMs: 1_000 }) {
  const clock = manualClock();
  return {
    clock,
    gate: createInMemoryModelGate({ settings: () => ({ circuitBreaker: circuit, defaultCooldownMs: 700 }), now: clock.nowMs }),
  };
}

describe("in-memory model gate", () => {
  it("allows rpm calls a minute, counts refused ones, and opens again when the window ends", async () => {
    const { gate: g, clock } = gate();
    const m = model({ rpm: 2 });
    expect(await g.admit(m, 10)).toMatchObject({ admitted: true });
    expect(await g.admit(m, 10)).toMatchObject({ admitted: true });
    clock.advance(10_000);
    expect(await g.admit(m, 10)).toEqual({ admitted: false, reason: "rpm_limit", retryInMs: 50_000 });
    clock.advance(50_000);
    expect(await g.admit(m, 10)).toMatchObject({ admitted: true });
  });

  it("limits tokens a minute, and lets a call larger than the whole budget through alone", async () => {
    const { gate: g } = gate();
    const m = model({ tpm: 100 });
    expect(await g.admit(m, 500)).toMatchObject({ admitted: true });
    expect(await g.admit(m, 1)).toMatchObject({ admitted: false, reason: "tpm_limit" });
  });

  it("cools a model down after a 429, then lets one call go first until it answers", async () => {
    const { gate: g, clock } = gate();
    const m = model();
    const first = await g.admit(m, 1);
    if (!first.admitted) throw new Error("refused");
    await g.report(m, "rate_limited", { ...first, retryAfterMs: 300 });
    expect(await g.admit(m, 1)).toEqual({ admitted: false, reason: "cooling_down", retryInMs: 300 });
    expect(await g.inspect(m)).toEqual({ circuitOpen: false, coolingDownMs: 300 });
    clock.advance(300);
    const probe = await g.admit(m, 1);
    expect(probe).toEqual({ admitted: true, probe: false, coolingProbe: true });
    expect(await g.admit(m, 1)).toMatchObject({ admitted: false, reason: "cooling_down" });
    await g.report(m, "ok", probe as { probe: boolean; coolingProbe: boolean });
    expect(await g.admit(m, 1)).toEqual({ admitted: true, probe: false, coolingProbe: false });
  });

  it("a 429 without retry-after cools for the default", async () => {
    const { gate: g } = gate();
    await g.report(model(), "rate_limited", { probe: false });
    expect(await g.admit(model(), 1)).toEqual({ admitted: false, reason: "cooling_down", retryInMs: 700 });
  });

  it("opens the circuit at minCalls and failureRate, lets one probe through, re-opens or closes on it", async () => {
    const { gate: g, clock } = gate();
    const m = model();
    const report = async (health: "ok" | "failed") => g.report(m, health, { probe: false });
    await report("ok");
    await report("failed");
    await report("failed");
    expect(await g.admit(m, 1)).toMatchObject({ admitted: true }); // 3 calls < minCalls 4
    await report("ok");
    await report("failed"); // 3 of 5 failed
    expect(await g.admit(m, 1)).toEqual({ admitted: false, reason: "circuit_open", retryInMs: 1_000 });
    expect((await g.inspect(m)).circuitOpen).toBe(true);
    clock.advance(1_000);
    const probe = await g.admit(m, 1);
    expect(probe).toEqual({ admitted: true, probe: true, coolingProbe: false });
    expect(await g.admit(m, 1)).toMatchObject({ admitted: false, reason: "circuit_open" });
    await g.report(m, "failed", { probe: true });
    expect(await g.admit(m, 1)).toMatchObject({ admitted: false, reason: "circuit_open", retryInMs: 1_000 });
    clock.advance(1_000);
    await g.report(m, "ok", (await g.admit(m, 1)) as { probe: boolean });
    expect(await g.inspect(m)).toEqual({ circuitOpen: false, coolingDownMs: 0 });
    expect(await g.admit(m, 1)).toEqual({ admitted: true, probe: false, coolingProbe: false });
  });

  it("forgets failures older than the window, and a probe refused by a limit frees its slot", async () => {
    const { gate: g, clock } = gate();
    const m = model({ rpm: 1 });
    for (const health of ["failed", "failed", "failed"] as const) await g.report(m, health, { probe: false });
    clock.advance(11_000);
    await g.report(m, "failed", { probe: false });
    expect((await g.inspect(m)).circuitOpen).toBe(false);
    for (const health of ["failed", "failed", "failed"] as const) await g.report(m, health, { probe: false });
    expect((await g.inspect(m)).circuitOpen).toBe(true);
    clock.advance(1_000);
    expect(await g.admit(m, 1)).toMatchObject({ admitted: true, probe: true });
    await g.report(m, "failed", { probe: true });
    clock.advance(1_000);
    // rpm used up: the probe slot is refused and freed, so it is not held until it expires.
    expect(await g.admit(m, 1)).toMatchObject({ admitted: false, reason: "rpm_limit" });
    // A reload that raises rpm gets a fresh budget; the probe slot is free for it.
    expect(await g.admit(model({ rpm: 5 }), 1)).toMatchObject({ admitted: true, probe: true });
  });
});
