import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { RouterConfig } from "../../src/config/router-config-schema.js";

/** Writes a config as the YAML a user would, for processes that read LLM_ROUTER_CONFIG. */
export async function writeConfigFile(config: RouterConfig): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "llm-router-config-"));
  const path = join(dir, "tiers.yaml");
  await writeFile(path, stringify(config));
  return path;
}
