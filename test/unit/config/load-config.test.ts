import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_CONFIG_PATH, loadRouterConfig, parseRouterConfig } from "../../../src/config/load-config.js";

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "load-config-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configFile(text: string): Promise<string> {
  const path = join(dir, `tiers-${++counter}.yaml`);
  await writeFile(path, text);
  return path;
}

/** The ConfigError a file produces. */
async function loadError(text: string): Promise<{ path: string; error: ConfigError }> {
  const path = await configFile(text);
  const error = await loadRouterConfig(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return { path, error: error as ConfigError };
}

const TWO_TIERS = `
tiers:
  - name: cheap
    models:
      - { provider: openai, model: gpt-5-mini }
  - name: top
    models:
      - { provider: anthropic, model: claude-sonnet-4-6 }
`;

describe("loadRouterConfig", () => {
  it("loads the shipped config/tiers.yaml by default", async () => {
    expect(DEFAULT_CONFIG_PATH).toMatch(/config[\\/]tiers\.yaml$/);
    const config = await loadRouterConfig();
    expect(config.tiers.map((tier) => tier.name)).toEqual(["cheap", "balanced", "premium"]);
    expect(config.tiers.map((tier) => tier.concurrency)).toEqual([8, 4, 2]);
    expect(config.tiers[0]!.models).toEqual([
      { provider: "openai", model: "gpt-5-mini", timeoutMs: 30_000, maxOutputTokens: 1024, batchApi: true, contextWindow: 400_000 },
      {
        provider: "anthropic",
        model: "claude-haiku-4-5",
        timeoutMs: 30_000,
        maxOutputTokens: 1024,
        batchApi: true,
        contextWindow: 200_000,
      },
    ]);
    expect(config.tiers[2]!.models.map((m) => `${m.provider}/${m.model}`)).toEqual(["anthropic/claude-opus-4-7", "openai/gpt-5.2"]);
    expect(config.features).toEqual({ "legal-review": "premium" });
    expect(config.kindFloors).toEqual({ extract: "cheap", generate: "balanced" });
    expect(config.retriesPerModel).toBe(1);
    expect(config.maxRetryDelayMs).toBe(10_000);
  });

  it("fills in every documented default", async () => {
    const config = await loadRouterConfig(await configFile(TWO_TIERS));
    expect(config).toEqual({
      tiers: [
        {
          name: "cheap",
          concurrency: 4,
          models: [
            { provider: "openai", model: "gpt-5-mini", timeoutMs: 60_000, maxOutputTokens: 1024, batchApi: true, contextWindow: 400_000 },
          ],
          batchLane: {
            maxItems: 10_000,
            maxWaitMs: 60_000,
            minRoomMs: 600_000,
            timeoutMs: 90_000_000,
            pollMinMs: 1_000,
            pollMaxMs: 60_000,
          },
        },
        {
          name: "top",
          concurrency: 4,
          models: [
            {
              provider: "anthropic",
              model: "claude-sonnet-4-6",
              timeoutMs: 60_000,
              maxOutputTokens: 1024,
              batchApi: true,
              contextWindow: 1_000_000,
            },
          ],
          batchLane: {
            maxItems: 10_000,
            maxWaitMs: 60_000,
            minRoomMs: 600_000,
            timeoutMs: 90_000_000,
            pollMinMs: 1_000,
            pollMaxMs: 60_000,
          },
        },
      ],
      features: {},
      kindFloors: {},
      kindCeilings: {},
      retriesPerModel: 1,
      maxRetryDelayMs: 10_000,
      rateLimitCooldownMs: 1_000,
      maxDeferrals: 20,
      maxWaitMs: 600_000,
      budgets: {},
      circuitBreaker: { windowMs: 30_000, minCalls: 10, failureRate: 0.5, openMs: 30_000 },
      routing: { classifier: "heuristic", hybridMargin: 0.05, storePrompts: false, shadow: { rate: 0, key: "id", strategy: "uniform" } },
      promptCaching: { enabled: true, minSharedJobs: 3, realtimeTtl: "5m", batchTtl: "1h", cacheKeyRpm: 15, expectedRpm: 60 },
      queue: { window: 2_000, feedIntervalMs: 100, recoverAfterMs: 600_000, recoverCheckMs: 60_000 },
      fallback: { maxCostRatioWhileCooling: 2 },
      deadlines: {},
      batchDiscount: { openai: 0.5, anthropic: 0.5 },
    });
  });

  it("keeps a price override as exact decimal strings", async () => {
    const config = await loadRouterConfig(
      await configFile(`
tiers:
  - name: cheap
    models:
      - provider: openai
        model: my-finetune
        price: { inputMtok: "0.075", outputMtok: 0.3, cacheReadMtok: 0.0375 }
`),
    );
    expect(config.tiers[0]!.models[0]!.price).toEqual({ inputMtok: "0.075", outputMtok: "0.3", cacheReadMtok: "0.0375" });
  });

  it("names the path of a bad provider", async () => {
    const { path, error } = await loadError(`
tiers:
  - name: cheap
    models:
      - { provider: google, model: gemini-2.5-flash }
`);
    expect(error.name).toBe("ConfigError");
    expect(error.message).toBe(
      `invalid config ${path}:\n  - tiers.0.models.0.provider: Invalid option: expected one of "anthropic"|"openai"`,
    );
  });

  it("names the path of a bad field deeper down", async () => {
    const { error } = await loadError(`
tiers:
  - name: cheap
    models:
      - { provider: openai, model: gpt-5-mini }
  - name: top
    models:
      - { provider: openai, model: gpt-5.2 }
      - { provider: anthropic, model: claude-opus-4-7, price: { inputMtok: "-5", outputMtok: "1" } }
`);
    expect(error.message).toContain("  - tiers.1.models.1.price.inputMtok: must be a non-negative decimal, e.g. 0.25");
  });

  it("rejects duplicate tier names at the second one", async () => {
    const { error } = await loadError(`${TWO_TIERS}  - name: cheap
    models:
      - { provider: openai, model: gpt-4o-mini }
`);
    expect(error.message).toContain('  - tiers.2.name: duplicate tier "cheap"');
    expect(error.message).not.toContain("tiers.0.name");
  });

  it("rejects a feature mapped to an unknown tier", async () => {
    const { error } = await loadError(`${TWO_TIERS}features:\n  legal-review: premium\n  triage: cheap\n`);
    expect(error.message).toContain('  - features.legal-review: unknown tier "premium" (tiers: cheap, top)');
    expect(error.message).not.toContain("triage");
  });

  it("rejects a kind floor naming an unknown tier", async () => {
    const { error } = await loadError(`${TWO_TIERS}kindFloors:\n  generate: balanced\n`);
    expect(error.message).toContain('  - kindFloors.generate: unknown tier "balanced" (tiers: cheap, top)');
  });

  it("rejects a kind floor for an unknown kind", async () => {
    const { error } = await loadError(`${TWO_TIERS}kindFloors:\n  translate: cheap\n`);
    expect(error.message).toContain('  - kindFloors: Unrecognized key: "translate"');
  });

  it("rejects a tier without models", async () => {
    const { error } = await loadError("tiers:\n  - name: cheap\n");
    expect(error.message).toContain("  - tiers.0.models: Invalid input: expected array, received undefined");
    const empty = await loadError("tiers:\n  - name: cheap\n    models: []\n");
    expect(empty.error.message).toContain("  - tiers.0.models: a tier needs at least one model");
  });

  it("rejects a config without tiers", async () => {
    const { error } = await loadError("tiers: []\n");
    expect(error.message).toContain("  - tiers: at least one tier is required");
  });

  it("rejects an unknown top-level key (a typo is not silently ignored)", async () => {
    const { error } = await loadError(`${TWO_TIERS}retriesPerModle: 3\n`);
    expect(error.message).toContain('  - (top level): Unrecognized key: "retriesPerModle"');
  });

  it("rejects an unknown key on a model", async () => {
    const { error } = await loadError(`
tiers:
  - name: cheap
    models:
      - { provider: openai, model: gpt-5-mini, timeout: 5 }
`);
    expect(error.message).toContain('  - tiers.0.models.0: Unrecognized key: "timeout"');
  });

  it("rejects a tier name that cannot be a queue name", async () => {
    const { error } = await loadError("tiers:\n  - name: Cheap Tier\n    models:\n      - { provider: openai, model: gpt-5-mini }\n");
    expect(error.message).toContain("  - tiers.0.name: tier names are lower-case letters, digits and -, up to 31");
  });

  it("lists every problem, one per line", async () => {
    const { path, error } = await loadError(`
tiers:
  - name: cheap
    models:
      - { provider: google, model: x }
retriesPerModel: 99
`);
    expect(error.message).toBe(
      `invalid config ${path}:\n` +
        `  - tiers.0.models.0.provider: Invalid option: expected one of "anthropic"|"openai"\n` +
        `  - retriesPerModel: Too big: expected number to be <=10`,
    );
  });

  it("reports text that is not YAML, with the path", async () => {
    const { path, error } = await loadError("tiers: [ { name: cheap\n  models: oops: [\n");
    expect(error.message.startsWith(`config ${path} is not valid YAML: `)).toBe(true);
  });

  it("reports YAML that is not a mapping at the top level", async () => {
    const { path, error } = await loadError("just some words\n");
    expect(error.message).toBe(`invalid config ${path}:\n  - (top level): Invalid input: expected object, received string`);
    const empty = await loadError("");
    expect(empty.error.message).toBe(`invalid config ${empty.path}:\n  - (top level): Invalid input: expected object, received null`);
  });

  it("reports a missing file with its path", async () => {
    const missing = join(dir, "nope.yaml");
    await expect(loadRouterConfig(missing)).rejects.toThrow(ConfigError);
    await expect(loadRouterConfig(missing)).rejects.toThrow(`cannot read config ${missing}: ENOENT`);
  });
});

describe("parseRouterConfig", () => {
  it("names the source in its error", () => {
    expect(() => parseRouterConfig({ tiers: [] }, "inline")).toThrow("invalid config inline:\n  - tiers: at least one tier is required");
    expect(() => parseRouterConfig(null)).toThrow("invalid config config:\n");
  });
});
