import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { K8S, REPO } from "../helpers/deploy/kustomize.js";

/**
 * No Docker engine runs here, so the image cannot be built: these checks pin what the build and the
 * image depend on — stages, the non-root user Kubernetes expects, the entrypoint, every COPY source
 * present and not excluded from the build context, and the compile step producing what bin/ loads.
 */
const run = promisify(execFile);

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions per stage (continuation lines joined, comments dropped). */
function stages(text: string): Array<{ name?: string; instructions: Instruction[] }> {
  const logical = text.replace(/\\\n/g, " ").split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
  const result: Array<{ name?: string; instructions: Instruction[] }> = [];
  for (const line of logical) {
    const [, keyword = "", args = ""] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === "FROM") result.push({ name: /\bAS\s+(\S+)/i.exec(args)?.[1], instructions: [] });
    result.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return result;
}

const dockerfile = readFileSync(join(REPO, "Dockerfile"), "utf8");
const all = stages(dockerfile);
const runtime = all.at(-1)!;
const find = (keyword: string) => runtime.instructions.filter((instruction) => instruction.keyword === keyword);

/** .dockerignore entries, as top-level names or simple globs. */
const ignored = readFileSync(join(REPO, ".dockerignore"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith("#"));
const isIgnored = (path: string) =>
  ignored.some((pattern) => {
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}(/|$)`);
    return regex.test(path.replace(/^\.\//, ""));
  });

describe("Dockerfile", () => {
  it("builds in stages and runs from a slim final stage without the compiler or the sources", () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const runtimeCopies = find("COPY").map((instruction) => instruction.args);
    expect(runtimeCopies.some((args) => /--from=\w+\s+\/app\/dist\s/.test(args)), "dist/ from the build stage").toBe(true);
    expect(runtimeCopies.some((args) => /^src\b|\ssrc\s/.test(args)), "no sources in the image").toBe(false);
    const installs = all.flatMap((stage) => stage.instructions).filter((instruction) => /npm ci/.test(instruction.args));
    expect(installs.some((instruction) => /--omit=dev/.test(instruction.args)), "production dependencies only").toBe(true);
  });

  it("runs as the numeric non-root user the Kubernetes manifests expect", () => {
    const [user] = find("USER").map((instruction) => instruction.args).slice(-1);
    expect(user, "a USER in the final stage").toMatch(/^\d+(:\d+)?$/);
    const uid = Number(user!.split(":")[0]);
    expect(uid).toBeGreaterThan(0);
    const manifests = ["base/worker-pod-defaults.yaml", "base/migrate-job.yaml"].map(
      (file) => parseYaml(readFileSync(join(K8S, file), "utf8")) as { spec: { template: { spec: { securityContext: { runAsUser: number } } } } },
    );
    for (const manifest of manifests) expect(manifest.spec.template.spec.securityContext.runAsUser).toBe(uid);
  });

  it("has `llm-router` as its entrypoint, and worker as the default command", () => {
    const [entrypoint] = find("ENTRYPOINT");
    expect(JSON.parse(entrypoint!.args).at(-1)).toBe("llm-router");
    expect(find("RUN").some((instruction) => /ln -s \/app\/bin\/llm-router\.js \/usr\/local\/bin\/llm-router/.test(instruction.args))).toBe(true);
    const bin = join(REPO, "bin/llm-router.js");
    expect(statSync(bin).mode & 0o111, "bin/llm-router.js is executable").not.toBe(0);
    expect(readFileSync(bin, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    expect(JSON.parse(find("CMD")[0]!.args)).toEqual(["worker"]);
  });

  it("copies only files that exist and that .dockerignore lets into the build context", () => {
    const sources = all
      .flatMap((stage) => stage.instructions)
      .filter((instruction) => instruction.keyword === "COPY" && !instruction.args.includes("--from="))
      .flatMap((instruction) => instruction.args.split(/\s+/).filter((arg) => !arg.startsWith("--")).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(REPO, source)), source).toBe(true);
      expect(isIgnored(source), `${source} is excluded by .dockerignore`).toBe(false);
    }
    for (const secretish of [".env", ".env.local", "node_modules", ".git", ".llm-router"]) {
      expect(isIgnored(secretish), `.dockerignore keeps ${secretish} out`).toBe(true);
    }
  });

  it("ships what the compiled code reads at run time: migrations, default tiers, examples, package.json", () => {
    const destinations = find("COPY").map((instruction) => instruction.args.split(/\s+/).at(-1));
    for (const needed of ["./migrations", "./config", "./examples", "./bin", "./"]) expect(destinations, needed).toContain(needed);
    expect(find("COPY").some((instruction) => /^package\.json\s+\.\/$/.test(instruction.args)), "package.json: type=module for dist/").toBe(true);
  });

  it("compiles (npm run build) to the dist/cli/main.js that bin/llm-router.js loads in an image", async () => {
    const out = mkdtempSync(join(tmpdir(), "dist-"));
    try {
      await run(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", join(REPO, "tsconfig.json"), "--outDir", out], {
        cwd: REPO,
        timeout: 120_000,
      });
      expect(readFileSync(join(REPO, "bin/llm-router.js"), "utf8")).toContain("../dist/cli/main.js");
      for (const file of ["cli/main.js", "config/load-config.js", "ledger/db/database.js"]) expect(existsSync(join(out, file)), file).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 150_000);
});
