import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { routerConfigSchema, type RouterConfig } from "./router-config-schema.js";
import { RouterError } from "../errors/router-error.js";

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL("../../config/tiers.yaml", import.meta.url));

export class ConfigError extends RouterError {
  override name = "ConfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("config", message, options);
  }
}

/** Validates an already-parsed tiers document; errors name the path in the file (tiers.1.models.0.provider). */
export function parseRouterConfig(document: unknown, source = "config"): RouterConfig {
  const parsed = routerConfigSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `  - ${issue.path.length ? issue.path.join(".") : "(top level)"}: ${issue.message}`)
      .join("\n");
    throw new ConfigError(`invalid config ${source}:\n${problems}`);
  }
  return parsed.data;
}

export async function loadRouterConfig(path: string = DEFAULT_CONFIG_PATH): Promise<RouterConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read config ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message : String(error);
    throw new ConfigError(`config ${path} is not valid YAML: ${detail}`);
  }
  return parseRouterConfig(document, path);
}
