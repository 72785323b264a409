import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { JobInput } from "../src/jobs/job-schema.js";

const EXAMPLES = fileURLToPath(new URL("../examples/jobs.jsonl", import.meta.url));

/** The example jobs: a real mix of kinds and lengths. */
export function loadExampleJobs(): JobInput[] {
  return readFileSync(EXAMPLES, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as JobInput);
}

/** The example jobs cycled to `count`, with fresh ids. */
export function benchJobs(count: number, idPrefix: string, overrides: Partial<JobInput> = {}): JobInput[] {
  const examples = loadExampleJobs();
  return Array.from({ length: count }, (_, index) => ({ ...examples[index % examples.length]!, ...overrides, id: `${idPrefix}-${index}` }));
}
