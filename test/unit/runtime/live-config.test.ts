import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RouterConfig } from "../../../src/config/router-config-schema.js";
import { createLogger } from "../../../src/observability/logger.js";
import { deriveLiveConfig, LiveConfigHolder } from "../../../src/runtime/live-config.js";
import { testConfig } from "../../helpers/pipeline.js";
import { tinyModel, writeModel } from "../../helpers/trained-model-file.js";

const job = { kind: "extract" as const, prompt: "Invoice INV-1001 from Acme Tools Ltd, total 1,240.50 EUR." };
const noProviders = () => new Map();

function holderFor(config: RouterConfig) {
  let onDisk = config;
  const holder = new LiveConfigHolder(
    { ...deriveLiveConfig(config, noProviders), config },
    async () => onDisk,
    (next) => deriveLiveConfig(next, noProviders),
    createLogger("silent"),
  );
  return { holder, edit: (next: RouterConfig) => void (onDisk = next) };
}

describe("the live config holds the loaded classifier", () => {
  it("a retrained model file at the same path is picked up on reload; a bad one is refused and the old model stays", async () => {
    const path = writeModel(tinyModel());
    const { holder } = holderFor(testConfig({ routing: { classifier: "trained", modelFile: path } }));
    const first = holder.current.classifier.trained!.score(job);

    const retrained = tinyModel({ weights: { ...tinyModel().weights, bias: 4 } });
    writeModel(retrained, path);
    expect(await holder.reload("SIGHUP")).toEqual({ accepted: true, version: 2 });
    const second = holder.current.classifier.trained!.score(job);
    expect(second).not.toBe(first);
    expect(second).toBeGreaterThan(first);

    writeFileSync(path, '{"format": "something else"}');
    const refused = await holder.reload("model file changed");
    expect(refused.accepted).toBe(false);
    if (!refused.accepted) expect(refused.reason).toMatch(new RegExp(`^invalid model file ${path}: `));
    expect(holder.current.version).toBe(2);
    expect(holder.current.classifier.trained!.score(job)).toBe(second);
  });

  it("a reload that switches to the heuristic drops the model; one naming a missing file is refused", async () => {
    const path = writeModel(tinyModel());
    const { holder, edit } = holderFor(testConfig({ routing: { classifier: "trained", modelFile: path } }));
    edit(testConfig({ routing: { classifier: "trained", modelFile: `${path}.missing` } }));
    const refused = await holder.reload("SIGHUP");
    expect(refused).toMatchObject({ accepted: false, reason: expect.stringMatching(/cannot read model file/) });
    expect(holder.current.classifier.trained).toBeDefined();
    edit(testConfig());
    expect(await holder.reload("SIGHUP")).toMatchObject({ accepted: true });
    expect(holder.current.classifier).toEqual({});
  });
});
