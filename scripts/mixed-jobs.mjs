#!/usr/bin/env node
// A mixed job file of any size from examples/jobs.jsonl, for estimate timing and accuracy runs:
//   node scripts/mixed-jobs.mjs 100000 /tmp/mixed-100k.jsonl
// Lines cycle through the examples with fresh ids, each prompt made distinct by a short suffix
// (so nothing is counted or cached as a repeat that a real batch would not repeat); `system`,
// labels and schemas stay shared, as in a real bulk batch.
import { readFileSync, writeFileSync } from "node:fs";

const [count = "10000", out = "/dev/stdout"] = process.argv.slice(2);
const examples = readFileSync(new URL("../examples/jobs.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line));
const lines = [];
for (let i = 0; i < Number(count); i++) {
  const base = examples[i % examples.length];
  lines.push(JSON.stringify({ ...base, id: `mixed-${i}`, prompt: `${base.prompt}\n(ref ${i})` }));
}
writeFileSync(out, `${lines.join("\n")}\n`);
