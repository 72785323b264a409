import type { ModelConfig, RouterConfig } from "../config/router-config-schema.js";
import { buildPrompt } from "../jobs/build-prompt.js";
import type { JobInput } from "../jobs/job-schema.js";
import { costOf, type ModelRates } from "../pricing/model-rates.js";
import { atBatchRate, batchShare } from "../pricing/batch-rate.js";
import type { Picodollars } from "../pricing/money.js";
import type { PriceBook } from "../pricing/price-book.js";
import { ZERO_USAGE } from "../pricing/usage.js";
import { classifyJob, scoreJob } from "../intake/index.js";
import { nearThreshold, ROUTER_TIER } from "../intake/llm/ask-routing-model.js";
import { buildRouteJob } from "../intake/llm/route-prompt.js";
import { DEFAULT_ESCALATION_RATE, DEFAULT_OUTPUT_TOKENS, DEFAULT_ROUTER_OUTPUT_TOKENS, historyKey, type History } from "./history.js";
import { countingFor, createTokenCounter, type TokenCounting } from "./token-count.js";

/** One tier and model's share of the expected cost. Calls and tokens are expectations (fractions allowed). */
export interface EstimateRow {
  tier: string;
  model: string;
  /** Jobs expected to reach this tier (for its first model; fallbacks are used only when it fails). */
  jobs: number;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  expected_usd: Picodollars;
}

export interface Estimate {
  rows: EstimateRow[];
  /** Every job answered by the first model of its first tier, at the expected output length. */
  low: Picodollars;
  expected: Picodollars;
  /** Every job through every model from its first tier to the top, each at its max output tokens. */
  worst: Picodollars;
  /** Every job answered by the top tier's first model, at the expected output length. */
  baseline: Picodollars;
  /** Jobs whose expectation used the ledger's history (the rest used the defaults). */
  jobsWithHistory: number;
}

interface Accumulator {
  jobs: number;
  calls: number;
  input: number;
  output: number;
  /** Σ exact cost of one call × its expected count in millionths: integer money, the weights quantised at 1e-6. */
  costMicro: bigint;
}

const MICRO = 1_000_000n;
const micro = (weight: number) => BigInt(Math.round(weight * 1e6));

const usage = (inputTokens: number, outputTokens: number) => ({ ...ZERO_USAGE, inputTokens, outputTokens });

/**
 * The dry-run cost of a set of jobs under a config: routed by the configured classifier, prompts
 * counted per model encoding, rates from the price book. Pure and synchronous.
 */
export function estimateJobs(jobs: readonly JobInput[], config: RouterConfig, priceBook: PriceBook, history: History): Estimate {
  const count = createTokenCounter();
  const rows = new Map<string, EstimateRow & { acc: Accumulator }>();
  const countings = new Map<ModelConfig, TokenCounting>();
  const ratesOf = new Map<ModelConfig, ModelRates>();
  for (const tier of config.tiers) {
    for (const model of tier.models) {
      countings.set(model, countingFor(model.provider, model.model));
      ratesOf.set(model, priceBook.ratesFor(model.provider, model.model));
    }
  }
  const rowFor = (tier: string, model: ModelConfig) => {
    const key = `${tier}\u0000${model.model}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        tier,
        model: model.model,
        jobs: 0,
        calls: 0,
        input_tokens: 0,
        output_tokens: 0,
        expected_usd: 0n,
        acc: { jobs: 0, calls: 0, input: 0, output: 0, costMicro: 0n },
      };
      rows.set(key, row);
    }
    return row.acc;
  };

  const top = config.tiers.at(-1)!;
  const mode = config.routing.classifier;
  let low = 0n;
  let worst = 0n;
  let baseline = 0n;
  let jobsWithHistory = 0;

  for (const job of jobs) {
    const prompt = buildPrompt(job);
    const tokensByCounting = new Map<TokenCounting, number>();
    const promptTokens = (model: ModelConfig) => {
      const counting = countings.get(model)!;
      let tokens = tokensByCounting.get(counting);
      if (tokens === undefined) tokensByCounting.set(counting, (tokens = count(counting, prompt)));
      return tokens;
    };
    const maxOutput = (model: ModelConfig) => job.maxOutputTokens ?? model.maxOutputTokens;
    const expectedOutput = (model: ModelConfig, tierName: string) => {
      const known = history.get(historyKey(job.kind, job.feature, tierName))?.models.get(model.model);
      return Math.min(maxOutput(model), known ? known.outputTokensPerCall : DEFAULT_OUTPUT_TOKENS[job.kind]);
    };
    const decision = classifyJob(job, config);
    let usedHistory = false;

    // The llm classifier's routing call, made by intake before the job reaches a tier.
    const askLlm =
      decision.classifier !== "rule" &&
      (mode === "llm" ||
        (mode === "hybrid" &&
          nearThreshold(decision.score, scoreJob(job, config, decision.signals).thresholds, config.routing.hybridMargin)));
    if (askLlm) {
      const model = config.tiers[0]!.models[0]!;
      const routePrompt = buildPrompt(buildRouteJob(job, config.tiers));
      const input = count(countings.get(model)!, routePrompt);
      const known = history.get(historyKey(job.kind, job.feature, ROUTER_TIER))?.models.get(model.model);
      const output = Math.min(model.maxOutputTokens, known ? known.outputTokensPerCall : DEFAULT_ROUTER_OUTPUT_TOKENS);
      const acc = rowFor(ROUTER_TIER, model);
      acc.jobs += 1;
      acc.calls += 1;
      acc.input += input;
      acc.output += output;
      const rates = ratesOf.get(model)!;
      const cost = costOf(usage(input, Math.round(output)), rates);
      acc.costMicro += cost * MICRO;
      low += cost;
      worst += costOf(usage(input, model.maxOutputTokens), rates);
    }

    // A job with a deadline waits for the provider batch APIs: its models that batch are priced at the batch rate.
    const waits = (job.deadline ?? (job.feature !== undefined ? config.deadlines[job.feature] : undefined)) !== undefined;
    const laneRate = (model: ModelConfig, cost: bigint) => (waits && model.batchApi ? atBatchRate(cost, batchShare(config, model)) : cost);
    const firstIndex = config.tiers.findIndex((tier) => tier.name === decision.tier);
    let reach = 1;
    for (let index = firstIndex; index < config.tiers.length; index++) {
      const tier = config.tiers[index]!;
      const models = job.model ? tier.models.filter((model) => model.model === job.model) : tier.models;
      const known = history.get(historyKey(job.kind, job.feature, tier.name));
      if (known) usedHistory = true;
      models.forEach((model, position) => {
        const rates = ratesOf.get(model)!;
        const input = promptTokens(model);
        worst += laneRate(model, costOf(usage(input, maxOutput(model)), rates));
        const billed = known ? (known.models.get(model.model)?.billedPerVisit ?? 0) : position === 0 ? 1 : 0;
        const output = expectedOutput(model, tier.name);
        const cost = laneRate(model, costOf(usage(input, Math.round(output)), rates));
        if (index === firstIndex && position === 0) low += cost;
        const acc = rowFor(tier.name, model);
        acc.costMicro += cost * micro(reach * billed);
        if (position === 0) acc.jobs += reach;
        acc.calls += reach * billed;
        acc.input += reach * billed * input;
        acc.output += reach * billed * output;
      });
      // A job pinned to one model never leaves its tier; otherwise some share goes on up.
      if (job.model) break;
      reach *= known ? known.escalationRate : DEFAULT_ESCALATION_RATE;
    }
    const topModel = top.models[0]!;
    baseline += costOf(usage(promptTokens(topModel), Math.round(expectedOutput(topModel, top.name))), ratesOf.get(topModel)!);
    if (usedHistory) jobsWithHistory++;
  }

  const tierRank = (name: string) => (name === ROUTER_TIER ? -1 : config.tiers.findIndex((tier) => tier.name === name));
  const out: EstimateRow[] = [...rows.values()]
    .map(({ acc, ...row }) => ({
      ...row,
      jobs: round2(acc.jobs),
      calls: round2(acc.calls),
      input_tokens: Math.round(acc.input),
      output_tokens: Math.round(acc.output),
      // Each job's call priced exactly (long-context steps included), weighted by its expected count.
      expected_usd: acc.costMicro / MICRO,
    }))
    .sort((a, b) => tierRank(a.tier) - tierRank(b.tier));
  const expected = out.reduce((sum, row) => sum + row.expected_usd, 0n);
  return { rows: out, low, expected, worst, baseline, jobsWithHistory };
}

const round2 = (value: number) => Math.round(value * 100) / 100;
