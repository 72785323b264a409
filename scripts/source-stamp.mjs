// The fingerprint of what `npm run build` compiles: every file under src/ (path and bytes) and
// tsconfig.json. The build writes it to dist/.source-stamp; bin/llm-router.js runs dist/ only when
// the checkout's fingerprint is the same, so what runs is still exactly what is checked out.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const STAMP_FILE = "dist/.source-stamp";

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : []));
}

export function sourceStamp(root) {
  const hash = createHash("sha256");
  for (const file of [...filesUnder(join(root, "src")), join(root, "tsconfig.json")]) {
    hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/** The stamp dist/ was built from, or undefined when there is none. */
export function builtStamp(root) {
  try {
    return readFileSync(join(root, STAMP_FILE), "utf8").trim();
  } catch {
    return undefined;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--write") {
  const root = fileURLToPath(new URL("..", import.meta.url));
  writeFileSync(join(root, STAMP_FILE), `${sourceStamp(root)}\n`);
}
