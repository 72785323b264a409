import { describe, expect, it } from "vitest";
import type { QueuedJob } from "../../../src/jobs/job-schema.js";
import { createIntakeProcessor } from "../../../src/intake/intake-processor.js";
import { ROUTER_TIER } from "../../../src/intake/llm/ask-routing-model.js";
import type { RouterConfig } from "../../../src/config/router-config-schema.js";
import { TICKET_LABELS } from "../../helpers/jobs.js";
import { answer, http500, inMemoryStage, type ScriptedStep } from "../../helpers/in-memory-stage.js";
import { testConfig } from "../../helpers/pipeline.js";

const queued = (id: string, job: Partial<QueuedJob["job"]> = {}): QueuedJob => ({
  requestId: id,
  batchId: "b1",
  enqueuedAt: "2026-11-01T00:00:00Z",
  job: { kind: "classify", prompt: "I was charged twice, please refund me.", labels: TICKET_LABELS, ...job },
});

function setUp(config: RouterConfig, scripts: Record<string, ScriptedStep[]> = {}) {
  const stage = inMemoryStage(config, scripts);
  const process = createIntakeProcessor(stage.deps);
  const run = (job: QueuedJob) => {
    stage.deps.ledger.addRequests([job.requestId]);
    return process(job, job.requestId);
  };
  return { ...stage, process, run };
}

describe("intake processor (in-memory ledger, scripted providers)", () => {
  it("routes a job by its score and hands it to that tier with a fresh run record", async () => {
    const t = setUp(testConfig());
    expect(await t.run(queued("i1"))).toEqual({ status: "routed", tier: "cheap" });
    expect(t.forwarded).toHaveLength(1);
    expect(t.forwarded[0]).toMatchObject({
      tier: "cheap",
      job: {
        requestId: "i1",
        escalations: 0,
        attemptsSoFar: 0,
        costSoFarPico: "0",
        history: [],
        route: { initialTier: "cheap", classifier: "heuristic" },
      },
    });
    expect(t.providers.calls).toEqual([]);
    // What training from the ledger needs, without the prompt (routing.storePrompts is off by default).
    const routing = t.deps.ledger.routing("i1");
    expect(routing?.features).toBeDefined();
    expect(routing).not.toHaveProperty("prompt");
  });

  it("a rule stands: a forced tier is routed as a rule, never asking the llm", async () => {
    const t = setUp(testConfig({ routing: { classifier: "llm" } }), { "gpt-5-mini": [answer('{"tier":"cheap","reason":"easy"}')] });
    expect(await t.run(queued("i2", { tier: "premium" }))).toEqual({ status: "routed", tier: "premium" });
    expect(t.forwarded[0]!.job.route).toMatchObject({ classifier: "rule", reason: "forced tier premium" });
    expect(t.providers.calls).toEqual([]);
  });

  it("llm classifier: the routing call is written to the ledger and counted in the job's attempts and cost", async () => {
    const t = setUp(testConfig({ routing: { classifier: "llm" } }), {
      "gpt-5-mini": [answer('{"tier":"balanced","reason":"needs care"}')],
    });
    expect(await t.run(queued("i3"))).toEqual({ status: "routed", tier: "balanced" });
    const [call] = t.deps.ledger.attempts();
    expect(call).toMatchObject({ requestId: "i3", tier: ROUTER_TIER, model: "gpt-5-mini", attemptNo: 1, outcome: "ok" });
    const { job } = t.forwarded[0]!;
    expect(job).toMatchObject({ attemptsSoFar: 1, costSoFarPico: call!.cost.toString(), route: { classifier: "llm" } });
    expect(job.route.reason).toMatch(/^llm \(gpt-5-mini\): needs care → balanced$/);
  });

  it("llm classifier: the kind floor raises the model's answer", async () => {
    const t = setUp(testConfig({ routing: { classifier: "llm" }, kindFloors: { classify: "premium" } }), {
      "gpt-5-mini": [answer('{"tier":"cheap","reason":"easy"}')],
    });
    expect(await t.run(queued("i4"))).toEqual({ status: "routed", tier: "premium" });
    expect(t.forwarded[0]!.job.route.reason).toContain("(kind floor for classify; llm said cheap)");
  });

  it("llm classifier: a failed routing call falls back to the score and is still recorded", async () => {
    const t = setUp(testConfig({ routing: { classifier: "llm" } }), { "gpt-5-mini": [http500] });
    expect(await t.run(queued("i5"))).toEqual({ status: "routed", tier: "cheap" });
    expect(t.deps.ledger.attempts().map((a) => a.outcome)).toEqual(["error"]);
    expect(t.forwarded[0]!.job.route).toMatchObject({ classifier: "heuristic" });
    expect(t.forwarded[0]!.job.route.reason).toContain("llm classifier fell back");
  });

  it("fails a malformed payload, and a job forcing a tier the (reloaded) config lacks, with the reason", async () => {
    const t = setUp(testConfig());
    const malformed = await t.process({ requestId: "i6" }, "i6");
    expect(malformed).toMatchObject({ status: "failed" });
    if (malformed.status === "failed") expect(malformed.error).toMatch(/^malformed job payload: /);
    const unroutable = await t.run(queued("i7", { tier: "gold" }));
    expect(unroutable).toEqual({ status: "failed", error: 'cannot route: unknown tier "gold" (tiers: cheap, balanced, premium)' });
    expect(t.deps.ledger.request("i7")).toMatchObject({ status: "failed", error: unroutable.status === "failed" ? unroutable.error : "" });
    expect(t.forwarded).toEqual([]);
  });
});
