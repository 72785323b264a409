import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioFile, parseScenario, resolveBatchBehaviour, resolveBehaviour } from "../../src/fake-llm/index.js";

describe("scenario", () => {
  it("defaults to seed 1 and a quiet model", () => {
    const scenario = parseScenario({});
    expect(scenario.seed).toBe(1);
    expect(resolveBehaviour(scenario, "any-model")).toEqual({
      latencyMs: 0,
      errors: [],
      invalidRate: 0,
      outputTokens: undefined,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      retryAfterMs: 1000,
    });
  });

  it('merges a model entry over "*" and orders errors by status', () => {
    const scenario = parseScenario({
      seed: 7,
      models: {
        "*": { latencyMs: 20, cacheReadTokens: 5 },
        "gpt-4o-mini": { latencyMs: 30, errors: { timeout: 0.05, "529": 0.2, "429": 0.1, "500": 0.0 }, invalidRate: 0.1, outputTokens: 12 },
      },
    });
    const mini = resolveBehaviour(scenario, "gpt-4o-mini");
    expect(mini.latencyMs).toBe(30);
    expect(mini.cacheReadTokens).toBe(5);
    expect(mini.errors.map((e) => e.kind)).toEqual([429, 500, 529, "timeout"]);
    expect(resolveBehaviour(scenario, "unknown-model").latencyMs).toBe(20);
  });

  it.each([
    [{ models: { m: { errors: { "500": -0.1 } } } }, "models.m.errors.500: must be a probability between 0 and 1"],
    [{ models: { m: { errors: { "529": 0.7 }, invalidRate: 0.4 } } }, "models.m: error probabilities + invalidRate sum to 1.1"],
    [
      { models: { "*": { errors: { "429": 0.6 } }, m: { invalidRate: 0.6 } } },
      'models.m: error probabilities + invalidRate sum to 1.2 (including defaults from "*")',
    ],
    [{ models: { m: { latencyMS: 5 } } }, "models.m.latencyMS: unknown key"],
    [{ sed: 1 }, "sed: unknown key"],
    [
      { models: { m: { errors: { "200": 0.1 } } } },
      'models.m.errors.200: error keys must be an HTTP status from 400 to 599 (e.g. "429") or "timeout"',
    ],
    [{ models: { m: { outputTokens: 1.5 } } }, "models.m.outputTokens: must be a whole number of tokens"],
    [{ models: { m: { batchLatencyMs: 90_000_000 } } }, "models.m.batchLatencyMs: must be at most 86400000 (24 hours)"],
    [{ models: { m: { batchExpireRate: 1.5 } } }, "models.m.batchExpireRate: must be a probability between 0 and 1"],
    [{ models: { m: { batchCreateErrors: { status: 429 } } } }, "models.m.batchCreateErrors.status: must be a 5xx status"],
    [{ models: { m: { batchCreateErrors: { firts: 1 } } } }, "models.m.batchCreateErrors.firts: unknown key"],
    [{ batchLimits: { openaiMaxRequests: 60_000 } }, "batchLimits.openaiMaxRequests"],
  ])("rejects %j naming the path", (input, message) => {
    expect(() => parseScenario(input)).toThrow(message);
  });

  it('resolves the batch keys per model over "*", with defaults', () => {
    const scenario = parseScenario({
      models: {
        "*": { batchLatencyMs: 500, batchExpireRate: 0.1 },
        m: { batchLatencyMs: { min: 10, max: 20 }, batchCreateErrors: { first: 2 } },
      },
    });
    expect(resolveBatchBehaviour(scenario, "other")).toEqual({
      latencyMs: 500,
      expireRate: 0.1,
      expireFraction: 0.5,
      cancelMs: 0,
      neverEnds: false,
      unknownResults: 0,
      truncateResults: false,
      createErrors: { status: 500, first: 0, rate: 0, afterCreate: false },
    });
    expect(resolveBatchBehaviour(scenario, "m")).toMatchObject({
      latencyMs: { min: 10, max: 20 },
      expireRate: 0.1,
      createErrors: { status: 500, first: 2, rate: 0, afterCreate: false },
    });
  });

  describe("loadScenarioFile", () => {
    const dir = mkdtemp(join(tmpdir(), "fake-llm-"));
    afterAll(async () => rm(await dir, { recursive: true, force: true }));

    it("loads a valid file", async () => {
      const path = join(await dir, "ok.json");
      await writeFile(path, JSON.stringify({ seed: 3, models: { "*": { latencyMs: 1 } } }));
      expect((await loadScenarioFile(path)).seed).toBe(3);
    });

    it("names the file and the zod path", async () => {
      const path = join(await dir, "bad.json");
      await writeFile(path, JSON.stringify({ models: { m: { invalidRate: 2 } } }));
      await expect(loadScenarioFile(path)).rejects.toThrow(`invalid scenario file ${path}: models.m.invalidRate: must be a probability`);
    });

    it("names the file on broken JSON and on a missing file", async () => {
      const path = join(await dir, "broken.json");
      await writeFile(path, "{ seed: 1");
      await expect(loadScenarioFile(path)).rejects.toThrow(`scenario file ${path} is not valid JSON`);
      await expect(loadScenarioFile(join(await dir, "missing.json"))).rejects.toThrow(/cannot read scenario file .*missing\.json/);
    });
  });
});
