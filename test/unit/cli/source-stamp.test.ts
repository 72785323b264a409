import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error plain JS module shared with bin/llm-router.js (no types)
import { builtStamp, sourceStamp } from "../../../scripts/source-stamp.mjs";

const stamp = sourceStamp as (root: string) => string;
const built = builtStamp as (root: string) => string | undefined;

describe("the source stamp bin/llm-router.js compares before running dist/", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function checkout(): string {
    const root = mkdtempSync(join(tmpdir(), "stamp-"));
    dirs.push(root);
    mkdirSync(join(root, "src/cli"), { recursive: true });
    writeFileSync(join(root, "src/cli/main.ts"), "export {};\n");
    writeFileSync(join(root, "src/a.ts"), "export const a = 1;\n");
    writeFileSync(join(root, "tsconfig.json"), "{}\n");
    return root;
  }

  it("changes with any file under src/ (an edit, a new file, a rename) or tsconfig.json, and comes back with the same bytes", () => {
    const root = checkout();
    const before = stamp(root);
    expect(stamp(root)).toBe(before);
    writeFileSync(join(root, "src/a.ts"), "export const a = 2;\n");
    expect(stamp(root)).not.toBe(before);
    writeFileSync(join(root, "src/a.ts"), "export const a = 1;\n");
    expect(stamp(root)).toBe(before);
    writeFileSync(join(root, "src/b.ts"), "");
    const withB = stamp(root);
    expect(withB).not.toBe(before);
    rmSync(join(root, "src/b.ts"));
    writeFileSync(join(root, "src/c.ts"), "");
    expect(stamp(root)).not.toBe(withB);
    rmSync(join(root, "src/c.ts"));
    writeFileSync(join(root, "tsconfig.json"), '{"compilerOptions":{}}\n');
    expect(stamp(root)).not.toBe(before);
  });

  it("reads the stamp a build left, and none when dist/ has no stamp", () => {
    const root = checkout();
    expect(built(root)).toBeUndefined();
    mkdirSync(join(root, "dist"));
    writeFileSync(join(root, "dist/.source-stamp"), `${stamp(root)}\n`);
    expect(built(root)).toBe(stamp(root));
  });
});
