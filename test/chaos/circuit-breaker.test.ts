import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelConfigSchema, type CircuitBreakerConfig, type ModelConfig } from "../../src/config/router-config-schema.js";
import { createModelGate, type GateAdmission, type GateRefusal, type ModelGate } from "../../src/guards/model-gate.js";
import { modelKeys } from "../../src/queue/redis-keys.js";
import { printChaosSummary } from "../helpers/chaos-summary.js";
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from "../helpers/redis.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * The model gate as two pods see it: two gates, each on its own Redis connection, one prefix.
 * Whatever one pod learns about a model (failures, a 429, spent rpm) must hold for the other.
 */
const OPEN_MS = 300;
const BREAKER: CircuitBreakerConfig = { windowMs: 10_000, minCalls: 4, failureRate: 0.5, openMs: OPEN_MS };
const DEFAULT_COOLDOWN_MS = 250;

const model = (name: string, extra: Partial<ModelConfig> = {}): ModelConfig =>
  modelConfigSchema.parse({ provider: "openai", model: name, timeoutMs: 2_000, ...extra });

type Decision = GateAdmission | GateRefusal;

describe("the model gate shared by two pods through Redis", () => {
  const prefix = uniquePrefix();
  let redisA: Redis;
  let redisB: Redis;
  let podA: ModelGate;
  let podB: ModelGate;
  /** Every admit decision the test saw, for the summary line. */
  const decisions: Decision[] = [];
  const admit = async (gate: ModelGate, m: ModelConfig) => {
    const decision = await gate.admit(m, 100);
    decisions.push(decision);
    return decision;
  };
  /** The circuit's own "open" key (see queue/redis-keys.ts): its expiry ends the open phase. */
  const openKey = (m: ModelConfig) => modelKeys(prefix, m).open;
  const waitUntilHalfOpen = (m: ModelConfig) =>
    waitFor(
      () => redisA.exists(openKey(m)),
      (exists) => exists === 0,
      { what: `${m.model}'s open phase to end`, timeoutMs: 5_000, intervalMs: 10 },
    );

  beforeAll(() => {
    redisA = new Redis(TEST_REDIS_URL);
    redisB = new Redis(TEST_REDIS_URL);
    const options = { prefix, settings: () => ({ circuitBreaker: BREAKER, defaultCooldownMs: DEFAULT_COOLDOWN_MS }) };
    podA = createModelGate({ ...options, redis: redisA });
    podB = createModelGate({ ...options, redis: redisB });
  });
  afterAll(async () => {
    redisA?.disconnect();
    redisB?.disconnect();
    await deletePrefix(prefix);
  });

  it("opens for both pods only once minCalls and failureRate are reached, probes once, re-opens or closes", async () => {
    // minCalls: three failures out of three calls (rate 1.0) are too few calls for a verdict.
    const fewCalls = model("cb-min-calls");
    for (let i = 0; i < BREAKER.minCalls - 1; i++) await podA.report(fewCalls, "failed", { probe: false });
    expect((await podB.inspect(fewCalls)).circuitOpen).toBe(false);
    expect(await admit(podB, fewCalls)).toEqual({ admitted: true, probe: false, coolingProbe: false });
    await podA.report(fewCalls, "failed", { probe: false });
    expect((await podB.inspect(fewCalls)).circuitOpen).toBe(true);

    // failureRate: enough calls, but 1/4 and 2/5 failed is below 0.5; 3/6 reaches it.
    const m = model("cb-rate");
    for (let i = 0; i < 3; i++) await podA.report(m, "ok", { probe: false });
    await podA.report(m, "failed", { probe: false });
    expect((await podB.inspect(m)).circuitOpen).toBe(false);
    await podA.report(m, "failed", { probe: false });
    expect((await podB.inspect(m)).circuitOpen).toBe(false);
    expect(await admit(podB, m)).toEqual({ admitted: true, probe: false, coolingProbe: false });
    // Failures reported by the other pod count in the same window.
    await podB.report(m, "failed", { probe: false });
    expect((await podA.inspect(m)).circuitOpen).toBe(true);
    expect((await podB.inspect(m)).circuitOpen).toBe(true);

    // Open: both pods refuse, saying how long until the probe.
    for (const gate of [podA, podB]) {
      const refused = await admit(gate, m);
      expect(refused).toMatchObject({ admitted: false, reason: "circuit_open" });
      expect((refused as GateRefusal).retryInMs).toBeGreaterThan(0);
      expect((refused as GateRefusal).retryInMs).toBeLessThanOrEqual(OPEN_MS);
    }

    // Half-open: of two concurrent admits from two pods, exactly one is the probe.
    await waitUntilHalfOpen(m);
    let race = await Promise.all([admit(podA, m), admit(podB, m)]);
    let probes = race.filter((decision) => decision.admitted);
    expect(probes).toEqual([{ admitted: true, probe: true, coolingProbe: false }]);
    expect(race.find((decision) => !decision.admitted)).toMatchObject({ admitted: false, reason: "circuit_open" });
    const probeGate = race[0]!.admitted ? podA : podB;
    const otherGate = probeGate === podA ? podB : podA;
    // While the probe is out, nobody else gets in.
    expect(await admit(otherGate, m)).toMatchObject({ admitted: false, reason: "circuit_open" });

    // A failed probe re-opens the circuit for both.
    await probeGate.report(m, "failed", { probe: true });
    expect(await admit(podA, m)).toMatchObject({ admitted: false, reason: "circuit_open" });
    expect(await admit(podB, m)).toMatchObject({ admitted: false, reason: "circuit_open" });
    expect((await redisB.pttl(openKey(m))) > 0).toBe(true);

    // Calls that were already running when it tripped may still report failures while it is open.
    for (let i = 0; i < 3; i++) await otherGate.report(m, "failed", { probe: false });

    // Half-open again: one probe; it succeeds and closes the circuit for both, with a clean window.
    await waitUntilHalfOpen(m);
    race = await Promise.all([admit(podB, m), admit(podA, m)]);
    probes = race.filter((decision) => decision.admitted);
    expect(probes).toEqual([{ admitted: true, probe: true, coolingProbe: false }]);
    const secondProbeGate = race[0]!.admitted ? podB : podA;
    await secondProbeGate.report(m, "ok", { probe: true });
    expect((await podA.inspect(m)).circuitOpen).toBe(false);
    expect((await podB.inspect(m)).circuitOpen).toBe(false);
    expect(await admit(podA, m)).toEqual({ admitted: true, probe: false, coolingProbe: false });
    expect(await admit(podB, m)).toEqual({ admitted: true, probe: false, coolingProbe: false });
    // The window was cleared: the three late failures above plus minCalls-1 new ones would trip a
    // window that still held them; a clean window sees minCalls-1 calls, too few for a verdict.
    for (let i = 0; i < BREAKER.minCalls - 1; i++) await podB.report(m, "failed", { probe: false });
    expect((await podA.inspect(m)).circuitOpen).toBe(false);
    expect(await admit(podA, m)).toEqual({ admitted: true, probe: false, coolingProbe: false });

    // A 429 is "busy", not "broken": any number of them never opens the circuit.
    const busy = model("cb-busy");
    for (let i = 0; i < BREAKER.minCalls * 3; i++) await podA.report(busy, "rate_limited", { probe: false, retryAfterMs: 1 });
    expect((await podB.inspect(busy)).circuitOpen).toBe(false);

    printChaosSummary(
      "circuit-breaker/two pods",
      { enqueued: 0, completed: 0, failed: 0, duplicated: 0, lost: 0, extraProviderCalls: 0 },
      {
        "admit decisions": decisions.length,
        "refused circuit_open": decisions.filter((d) => !d.admitted && d.reason === "circuit_open").length,
        "probes granted": decisions.filter((d) => d.admitted && d.probe).length,
        "concurrent half-open admits": 4,
      },
    );
  });

  it("a 429 cools the model down for both pods until its retry-after has passed", async () => {
    const m = model("cool-429");
    const started = decisions.length;
    expect(await admit(podB, m)).toEqual({ admitted: true, probe: false, coolingProbe: false });
    await podA.report(m, "rate_limited", { probe: false, retryAfterMs: 400 });
    for (const gate of [podA, podB]) {
      const refused = await admit(gate, m);
      expect(refused).toMatchObject({ admitted: false, reason: "cooling_down" });
      expect((refused as GateRefusal).retryInMs).toBeGreaterThan(0);
      expect((refused as GateRefusal).retryInMs).toBeLessThanOrEqual(400);
    }
    expect((await podB.inspect(m)).coolingDownMs).toBeGreaterThan(0);
    // Refused until it expires, then admitted again, on both pods.
    // The first call after the cool-down goes alone (no herd of fresh 429s); the others wait for its answer.
    const back = await waitFor(
      () => admit(podB, m),
      (decision) => decision.admitted,
      { what: "the cool-down to end", timeoutMs: 5_000, intervalMs: 20 },
    );
    expect(back).toEqual({ admitted: true, probe: false, coolingProbe: true });
    expect(await admit(podA, m)).toMatchObject({ admitted: false, reason: "cooling_down" });
    await podB.report(m, "ok", { probe: false, coolingProbe: true });
    expect(await admit(podA, m)).toEqual({ admitted: true, probe: false, coolingProbe: false });
    expect((await podA.inspect(m)).coolingDownMs).toBe(0);

    // A 429 without retry-after cools down for the configured default.
    const plain = model("cool-default");
    await podB.report(plain, "rate_limited", { probe: false });
    const refused = await admit(podA, plain);
    expect(refused).toMatchObject({ admitted: false, reason: "cooling_down" });
    expect((refused as GateRefusal).retryInMs).toBeLessThanOrEqual(DEFAULT_COOLDOWN_MS);
    await waitFor(
      () => admit(podA, plain),
      (decision) => decision.admitted,
      { what: "the default cool-down to end", timeoutMs: 5_000, intervalMs: 20 },
    );

    const mine = decisions.slice(started);
    printChaosSummary(
      "circuit-breaker/429 cool-down",
      { enqueued: 0, completed: 0, failed: 0, duplicated: 0, lost: 0, extraProviderCalls: 0 },
      {
        "admit decisions": mine.length,
        "refused cooling_down": mine.filter((d) => !d.admitted && d.reason === "cooling_down").length,
      },
    );
  });

  it("shares one rpm budget between the pods, and a probe refused by a limit frees the probe slot", async () => {
    const started = decisions.length;
    const limited = model("rpm-five", { rpm: 5 });
    const gates = [podA, podB, podA, podB, podA];
    for (const gate of gates) expect(await admit(gate, limited)).toEqual({ admitted: true, probe: false, coolingProbe: false });
    const sixth = await admit(podB, limited);
    expect(sixth).toMatchObject({ admitted: false, reason: "rpm_limit" });
    expect((sixth as GateRefusal).retryInMs).toBeGreaterThan(0);
    expect(await admit(podA, limited)).toMatchObject({ admitted: false, reason: "rpm_limit" });
    const rpmDecisions = decisions.slice(started);

    // A half-open circuit whose probe is refused by the rpm limit must not stay stuck on that probe.
    const one = model("rpm-probe", { rpm: 1 });
    expect(await admit(podA, one)).toEqual({ admitted: true, probe: false, coolingProbe: false }); // spends the minute's only call
    for (let i = 0; i < BREAKER.minCalls; i++) await podA.report(one, "failed", { probe: false });
    expect(await admit(podB, one)).toMatchObject({ admitted: false, reason: "circuit_open" });
    await waitUntilHalfOpen(one);
    // Pod A takes the probe slot, but the rpm limit refuses the call...
    expect(await admit(podA, one)).toMatchObject({ admitted: false, reason: "rpm_limit" });
    // ...so the slot is free again: pod B gets the probe (and is refused by the same limit), not "circuit_open".
    expect(await admit(podB, one)).toMatchObject({ admitted: false, reason: "rpm_limit" });

    printChaosSummary(
      "circuit-breaker/shared rpm",
      { enqueued: 0, completed: 0, failed: 0, duplicated: 0, lost: 0, extraProviderCalls: 0 },
      {
        "rpm limit": 5,
        "admitted across two pods": rpmDecisions.filter((d) => d.admitted).length,
        "refused rpm_limit": rpmDecisions.filter((d) => !d.admitted).length,
        "probe slot freed after a limit refusal": "yes",
      },
    );
  });
});
