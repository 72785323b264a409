import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRouterConfig } from "../../../src/config/load-config.js";
import { routingSnippet, writeRoutingToConfig } from "../../../src/lab/write-routing-config.js";

const TIERS = `# my tiers
tiers:
  - name: cheap            # the workhorse
    models: [{ provider: openai, model: gpt-5-mini }]
  - name: premium
    models: [{ provider: anthropic, model: claude-opus-4-7 }]
retriesPerModel: 2
`;

async function configFile(text = TIERS): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "calibrate-write-")), "tiers.yaml");
  await writeFile(path, text);
  return path;
}

describe("calibrate output", () => {
  it("prints a snippet to paste", () => {
    expect(routingSnippet({ classifier: "trained", modelFile: "models/router.json", thresholds: [0.51234567, 0.7] })).toBe(
      "routing:\n  classifier: trained\n  modelFile: models/router.json\n  thresholds: [0.512346, 0.7]\n",
    );
  });

  it("--write sets the routing section and keeps the file's comments and other settings", async () => {
    const path = await configFile();
    await writeRoutingToConfig(path, { classifier: "heuristic", thresholds: [0.42] });
    const text = await readFile(path, "utf8");
    expect(text).toContain("# my tiers");
    expect(text).toContain("# the workhorse");
    const config = await loadRouterConfig(path);
    expect(config.routing).toMatchObject({ classifier: "heuristic", thresholds: [0.42] });
    expect(config.retriesPerModel).toBe(2);

    await writeRoutingToConfig(path, { classifier: "heuristic", thresholds: [0.5] });
    expect((await loadRouterConfig(path)).routing.thresholds).toEqual([0.5]);
  });

  it("refuses to write a config that would not load, and leaves the file as it was", async () => {
    const path = await configFile();
    await expect(writeRoutingToConfig(path, { classifier: "heuristic", thresholds: [0.3, 0.6] })).rejects.toThrow(
      /2 threshold\(s\) for 2 tiers/,
    );
    expect(await readFile(path, "utf8")).toBe(TIERS);
  });
});
