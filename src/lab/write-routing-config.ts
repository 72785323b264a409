import { readFile, rename, writeFile } from "node:fs/promises";
import { Document, parseDocument } from "yaml";
import { parseRouterConfig } from "../config/load-config.js";
import type { ClassifierMode } from "../config/routing-config-schema.js";
import { RouterError } from "../errors/router-error.js";

/** The settings `calibrate` decides: they go under `routing:` in the tiers file. */
export interface CalibratedRouting {
  classifier: ClassifierMode;
  modelFile?: string;
  thresholds: number[];
}

/** Rounded for people to read; 6 decimals is far finer than any score difference that matters. */
const round = (value: number) => Math.round(value * 1e6) / 1e6;

/** The YAML to paste into a tiers file. */
export function routingSnippet(routing: CalibratedRouting): string {
  const document = new Document({ routing: { classifier: routing.classifier } });
  if (routing.modelFile !== undefined) document.setIn(["routing", "modelFile"], routing.modelFile);
  document.setIn(["routing", "thresholds"], document.createNode(routing.thresholds.map(round), { flow: true }));
  return document.toString({ flowCollectionPadding: false });
}

/**
 * Sets routing.classifier, routing.modelFile and routing.thresholds in a tiers file, keeping its
 * comments and everything else. The result is validated as a whole before it replaces the file, so
 * a bad edit (say, thresholds for the wrong number of tiers) never lands.
 */
export async function writeRoutingToConfig(path: string, routing: CalibratedRouting): Promise<void> {
  const document = parseDocument(await readFile(path, "utf8"));
  if (document.errors.length > 0) throw new RouterError("config", `config ${path} is not valid YAML: ${document.errors[0]!.message}`);
  document.setIn(["routing", "classifier"], routing.classifier);
  if (routing.modelFile !== undefined) document.setIn(["routing", "modelFile"], routing.modelFile);
  const thresholds = document.createNode(routing.thresholds.map(round), { flow: true });
  document.setIn(["routing", "thresholds"], thresholds);
  const text = document.toString({ flowCollectionPadding: false });
  parseRouterConfig(document.toJS(), path);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
