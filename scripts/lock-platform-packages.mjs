#!/usr/bin/env node
// Some registry mirrors serve only the Linux builds of msgpackr-extract (a BullMQ dependency), so
// `npm install` leaves the other platforms' optional packages out of package-lock.json and `npm ci`
// then refuses the lock as out of sync. This records them as the public registry would (no integrity:
// it cannot be fetched here). Run it after any `npm install` that rewrites the lock.
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const extract = lock.packages["node_modules/msgpackr-extract"];
if (!extract) process.exit(0);
for (const dependency of Object.keys(extract.optionalDependencies ?? {})) {
  const key = `node_modules/${dependency}`;
  if (lock.packages[key]) continue;
  const [, os, cpu] = /msgpackr-extract-(\w+)-(\w+)$/.exec(dependency) ?? [];
  lock.packages[key] = { version: extract.optionalDependencies[dependency], cpu: [cpu], license: "MIT", optional: true, os: [os] };
}
const [root, ...rest] = Object.entries(lock.packages);
lock.packages = Object.fromEntries([root, ...rest.sort(([a], [b]) => a.localeCompare(b))]);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
