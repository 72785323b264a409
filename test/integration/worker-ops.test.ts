import { writeFile } from "node:fs/promises";
import { sql } from "drizzle-orm";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { startCli, type LongRunningCli } from "../helpers/cli-process.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { pipelineEnv } from "../helpers/chaos-workers.js";

/** A config with the cheap tier's models in the given order. */
function withCheapOrder(base: RouterConfig, first: string): RouterConfig {
  return {
    ...base,
    tiers: base.tiers.map((tier) =>
      tier.name === "cheap" ? { ...tier, models: [...tier.models].sort((a) => (a.model === first ? -1 : 1)) } : tier,
    ),
  };
}

describe("a running worker: metrics, live config reload", () => {
  let pipeline: TestPipeline;
  let worker: LongRunningCli;
  let configPath: string;
  let healthPort: number;
  let jobNo = 0;

  const answeredBy = async () => {
    const id = `reload-${jobNo++}`;
    const { batchId } = await pipeline.producer.enqueueJobs(
      [{ id, kind: "classify", tier: "cheap", prompt: "The app crashes when I upload a photo.", labels: TICKET_LABELS }],
      { batchName: id },
    );
    await pipeline.waitForBatch(batchId);
    const [row] = await queryRows<{ final_model: string }>(
      pipeline.testDb.database.db,
      sql`select final_model from requests where id = ${id}`,
    );
    return row!.final_model;
  };

  beforeAll(async () => {
    pipeline = await startTestPipeline({ stages: ["intake"] });
    configPath = await writeConfigFile(withCheapOrder(testConfig(), "gpt-5-mini"));
    worker = startCli(["worker", "--stages", "cheap,balanced,premium"], pipelineEnv(pipeline, configPath, { LOG_LEVEL: "info" }));
    healthPort = Number((await worker.waitForOutput(/health on :(\d+)/))[1]);
  });
  afterAll(async () => {
    await worker?.stop();
    await pipeline?.close();
  });

  it("serves the documented Prometheus series", async () => {
    await answeredBy();
    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    for (const series of [
      "llm_router_jobs_total",
      "llm_router_attempts_total",
      "llm_router_escalations_total",
      "llm_router_cost_usd_total",
      "llm_router_provider_latency_seconds_bucket",
      'llm_router_queue_depth{queue="tier-cheap",state="waiting"}',
      'llm_router_active_jobs{queue="tier-cheap"}',
      'llm_router_model_circuit_state{provider="openai",model="gpt-5-mini"} 0',
      'llm_router_model_cooldown_seconds{provider="anthropic",model="claude-haiku-4-5"} 0',
      // The job's call went out and was answered: none left in flight.
      'llm_router_calls_in_flight{tier="cheap"} 0',
    ]) {
      expect(metrics).toContain(series);
    }
    expect(metrics).toMatch(/llm_router_attempts_total\{tier="cheap",provider="openai",model="gpt-5-mini",outcome="ok"\} [1-9]/);
    const ready = await (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).json();
    expect(ready).toEqual({ ready: true, checks: { postgres: true, redis: true, schema: true, ledger: true } });
  });

  it("applies a changed tiers file on the next job and refuses a bad one, keeping the old", async () => {
    expect(await answeredBy()).toBe("gpt-5-mini");

    await writeFile(configPath, stringify(withCheapOrder(testConfig(), "claude-haiku-4-5")));
    await worker.waitForOutput(/"msg":"config reloaded"/);
    expect(await answeredBy()).toBe("claude-haiku-4-5");

    const reloads = worker.output().stderr.match(/config reloaded/g)?.length ?? 0;
    await writeFile(configPath, "tiers:\n  - name: cheap\n    models: [{ provider: nobody, model: x }]\n");
    const refusal = await worker.waitForOutput(/^.*config reload refused.*$/m);
    expect(refusal[0]).toMatch(/tiers\.0\.models\.0\.provider/);
    expect(worker.output().stderr.match(/config reloaded/g)?.length ?? 0).toBe(reloads);
    expect(await answeredBy()).toBe("claude-haiku-4-5");

    // SIGHUP reloads too (here: back to the first order).
    await writeFile(configPath, stringify(withCheapOrder(testConfig(), "gpt-5-mini")));
    worker.child.kill("SIGHUP");
    await worker.waitForOutput(/"trigger":"SIGHUP"[^\n]*"msg":"config reloaded"|"trigger":"SIGHUP"[^\n]*refused/);
    expect(await answeredBy()).toBe("gpt-5-mini");
    expect(worker.child.exitCode).toBeNull();
  });
});
