#!/usr/bin/env node
// In a source checkout, run the TypeScript sources through tsx, so what runs is always what is
// checked out (no stale build). An installed image ships only dist/ (see Dockerfile) and runs that.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = new URL("../src/cli/main.ts", import.meta.url);
if (existsSync(fileURLToPath(source))) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import(new URL("../dist/cli/main.js", import.meta.url).href);
}
