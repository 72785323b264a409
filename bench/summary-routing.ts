import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadRouterConfig } from "../src/config/load-config.js";
import { buildPrompt, estimateTokens } from "../src/jobs/build-prompt.js";
import type { JobInput } from "../src/jobs/job-schema.js";
import { classifyJob } from "../src/intake/classify-job.js";
import { costOf } from "../src/pricing/model-rates.js";
import { buildPriceBook } from "../src/pricing/price-book.js";
import { ZERO_USAGE } from "../src/pricing/usage.js";

/**
 * Issue 16 item 15: where the heuristic sends summaries of 300–2,000-word documents, and their share of
 * the expected cost next to the example jobs. No services: intake's decision and the catalog prices only.
 *   npx tsx bench/summary-routing.ts [config=config/tiers.yaml]
 * Summaries are built from the example articles (real prose, quotes and all), cut or repeated to 350
 * lengths spread evenly over 300–2,000 words. Cost per job: its prompt at the tier primary's input rate
 * (23% of 1,500 jobs with the other examples), plus 300 output tokens (a summary) or 5 (the rest), the same for before and after.
 */
const EXAMPLES = fileURLToPath(new URL("../examples/jobs.jsonl", import.meta.url));
const examples = readFileSync(EXAMPLES, "utf8")
  .split("\n")
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as JobInput);
const articles = examples.filter((job) => job.kind === "summarize" && job.prompt).map((job) => job.prompt!);
const words = articles.join("\n\n").split(/\s+/);

function summaryOf(wordCount: number, index: number): JobInput {
  const start = (index * 97) % words.length;
  const text = Array.from({ length: wordCount }, (_, offset) => words[(start + offset) % words.length]).join(" ");
  return { id: `sum-${index}`, kind: "summarize", prompt: text };
}

const config = await loadRouterConfig(process.argv[2] ?? "config/tiers.yaml");
const prices = buildPriceBook(config);
const summaries = Array.from({ length: 350 }, (_, index) => summaryOf(300 + Math.round((index * 1700) / 349), index));
// The rest of the example jobs, cycled to 1,150 so summaries are 23% of 1,500 jobs, as in the trial.
const rest = examples.filter((job) => job.kind !== "summarize");
const others = Array.from({ length: 1_150 }, (_, index) => ({ ...rest[index % rest.length]!, id: `other-${index}` }));
const byTier: Record<string, number> = {};
let summaryCost = 0n;
let otherCost = 0n;
for (const job of [...summaries, ...others]) {
  const decision = classifyJob(job, config);
  const primary = config.tiers.find((tier) => tier.name === decision.tier)!.models[0]!;
  const tokens = estimateTokens(buildPrompt(job));
  const cost = costOf(
    { ...ZERO_USAGE, inputTokens: tokens, outputTokens: job.kind === "summarize" ? 300 : 5 },
    prices.ratesFor(primary.provider, primary.model),
  );
  if (job.id!.startsWith("sum-")) {
    byTier[decision.tier] = (byTier[decision.tier] ?? 0) + 1;
    summaryCost += cost;
  } else otherCost += cost;
}
const total = summaryCost + otherCost;
console.log(
  JSON.stringify({
    summaries: summaries.length,
    others: others.length,
    summariesByTier: byTier,
    summaryShareOfJobs: Number((summaries.length / (summaries.length + others.length)).toFixed(3)),
    summaryShareOfCost: Number((Number((summaryCost * 10_000n) / total) / 10_000).toFixed(4)),
    summaryCostUsd: Number(summaryCost) / 1e12,
    totalCostUsd: Number(total) / 1e12,
  }),
);
