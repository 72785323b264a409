import type { ModelConfig, RouterConfig } from "../config/router-config-schema.js";
import { buildPrompt, promptText } from "../jobs/build-prompt.js";
import type { JobInput } from "../jobs/job-schema.js";
import { costOf, type ModelRates } from "../pricing/model-rates.js";
import { atBatchRate, batchShare } from "../pricing/batch-rate.js";
import type { Picodollars } from "../pricing/money.js";
import type { PriceBook } from "../pricing/price-book.js";
import { ZERO_USAGE } from "../pricing/usage.js";
import { classifyJob, scoreJob } from "../intake/index.js";
import { nearThreshold, ROUTER_TIER } from "../intake/llm/ask-routing-model.js";
import { buildRouteJob } from "../intake/llm/route-prompt.js";
import {
  DEFAULT_ESCALATION_RATE,
  DEFAULT_OUTPUT_TOKENS,
  DEFAULT_ROUTER_OUTPUT_TOKENS,
  historyFor,
  kindOutputTokens,
  type History,
} from "./history.js";
import { countingFor, createTokenCounter, type TokenCounting } from "./token-count.js";
import { cacheTermsFor, createFirstCallLedger, type CacheTerms } from "./cache-discount.js";

/** One tier and model's share of the expected cost. Calls and tokens are expectations (fractions allowed). */
export interface EstimateRow {
  tier: string;
  model: string;
  /** Jobs expected to reach this tier (for its first model; fallbacks are used only when it fails). */
  jobs: number;
  calls: number;
  input_tokens: number;
  /** Of input_tokens, expected to be read from the prompt cache (cache-discount.ts). */
  cache_read_tokens: number;
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
  cacheRead: number;
  output: number;
  /** Σ exact cost of one call × its expected count in millionths: integer money, the weights quantised at 1e-6. */
  costMicro: bigint;
}

const MICRO = 1_000_000n;
const micro = (weight: number) => BigInt(Math.round(weight * 1e6));

const usage = (inputTokens: number, outputTokens: number) => ({ ...ZERO_USAGE, inputTokens, outputTokens });
/** A call's usage with its prefix read from the cache, or (`first`) the call that writes it. */
const cachedUsage = (inputTokens: number, outputTokens: number, terms: CacheTerms | undefined, first: boolean) => {
  if (!terms) return usage(inputTokens, outputTokens);
  if (!first) return { ...ZERO_USAGE, inputTokens, outputTokens, cacheReadTokens: terms.readTokens };
  if (!terms.writes) return usage(inputTokens, outputTokens);
  const written = terms.readTokens;
  return { ...ZERO_USAGE, inputTokens, outputTokens, cacheWriteTokens: written, cacheWrite1hTokens: terms.write1h ? written : 0 };
};

/**
 * The dry-run cost of a set of jobs under a config: routed by the configured classifier, prompts
 * counted per model encoding, rates from the price book. Pure and synchronous.
 */
export interface EstimateOptions {
  /**
   * The share of the real-time price this job's calls on this model cost when it goes through the
   * provider's batch API (e.g. 0.5), or undefined for real time. Default: `lanePriceShare` — a job
   * with a deadline (its own, or its feature's in `deadlines:`) on a model with `batchApi` pays the
   * model's `batchDiscount`. `worst_usd` stays at the real-time rate (a job whose deadline comes too
   * close runs in real time).
   */
  batchShare?: (job: JobInput, model: ModelConfig) => number | undefined;
}

/** A real-time cost at a batch share (undefined: real time), rounded as the batch lane bills it. */
const atShare = (cost: Picodollars, share: number | undefined) => (share === undefined ? cost : atBatchRate(cost, share));

/** The batch lane's price share for a job on a model: the model's batch discount when the job may wait, else real time. */
export function lanePriceShare(config: RouterConfig): (job: JobInput, model: ModelConfig) => number | undefined {
  return (job, model) => {
    const waits = (job.deadline ?? (job.feature !== undefined ? config.deadlines[job.feature] : undefined)) !== undefined;
    return waits && model.batchApi ? batchShare(config, model) : undefined;
  };
}

export function estimateJobs(
  jobs: readonly JobInput[],
  config: RouterConfig,
  priceBook: PriceBook,
  history: History,
  options: EstimateOptions = {},
): Estimate {
  const shareOf = options.batchShare ?? lanePriceShare(config);
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
        cache_read_tokens: 0,
        output_tokens: 0,
        expected_usd: 0n,
        acc: { jobs: 0, calls: 0, input: 0, cacheRead: 0, output: 0, costMicro: 0n },
      };
      rows.set(key, row);
    }
    return row.acc;
  };

  const labelCounts = new Map<string, number>();
  const labelTokens = (counting: TokenCounting, labels: string[]) => {
    const key = `${counting}\u0000${labels.join("\u0000")}`;
    let mean = labelCounts.get(key);
    if (mean === undefined) {
      mean = labels.reduce((sum, label) => sum + Math.max(1, count.system(counting, label)), 0) / labels.length;
      labelCounts.set(key, mean);
    }
    return mean;
  };

  const top = config.tiers.at(-1)!;
  const mode = config.routing.classifier;
  let low = 0n;
  let worst = 0n;
  let baseline = 0n;
  let jobsWithHistory = 0;
  // Jobs sharing each prefix, counted over the file as enqueue counts them (stampSharedPrefixes).
  const prompts = jobs.map((job) => promptText(job));
  const sharing = new Map<string, number>();
  for (const { system } of prompts) sharing.set(system, (sharing.get(system) ?? 0) + 1);
  // First calls per prefix and model: per row (expected), and for the low and baseline totals.
  const firstCalls = new Map<string, ReturnType<typeof createFirstCallLedger>>();
  const lowFirst = createFirstCallLedger();
  const baselineFirst = createFirstCallLedger();
  const cacheTerms = (model: ModelConfig, system: string, sharedJobs: number) =>
    cacheTermsFor(model, system, count.system(countings.get(model)!, system), sharedJobs, config.promptCaching);

  jobs.forEach((job, jobIndex) => {
    const prompt = prompts[jobIndex]!;
    const sharedJobs = Math.max(sharing.get(prompt.system)!, job.sharedPrefixJobs ?? 0);
    const tokensByCounting = new Map<TokenCounting, number>();
    const promptTokens = (model: ModelConfig) => {
      const counting = countings.get(model)!;
      let tokens = tokensByCounting.get(counting);
      if (tokens === undefined) tokensByCounting.set(counting, (tokens = count(counting, prompt)));
      return tokens;
    };
    const maxOutput = (model: ModelConfig) => job.maxOutputTokens ?? model.maxOutputTokens;
    const expectedOutput = (model: ModelConfig, tierName: string) => {
      const known = historyFor(history, job.kind, job.feature, tierName)?.models.get(model.model);
      if (known) return Math.min(maxOutput(model), known.outputTokensPerCall);
      const ofKind = kindOutputTokens(history, job.kind);
      if (ofKind !== undefined) return Math.min(maxOutput(model), ofKind);
      // A classify answer is one of its labels: their mean length in the model's own count.
      const fallback =
        job.kind === "classify" && job.labels?.length ? labelTokens(countings.get(model)!, job.labels) : DEFAULT_OUTPUT_TOKENS[job.kind];
      return Math.min(maxOutput(model), fallback);
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
      const known = historyFor(history, job.kind, job.feature, ROUTER_TIER)?.models.get(model.model);
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

    const firstIndex = config.tiers.findIndex((tier) => tier.name === decision.tier);
    let reach = 1;
    for (let index = firstIndex; index < config.tiers.length; index++) {
      const tier = config.tiers[index]!;
      const models = job.model ? tier.models.filter((model) => model.model === job.model) : tier.models;
      const known = historyFor(history, job.kind, job.feature, tier.name);
      if (known) usedHistory = true;
      models.forEach((model, position) => {
        const rates = ratesOf.get(model)!;
        const input = promptTokens(model);
        const terms = cacheTerms(model, prompt.system, sharedJobs);
        // The worst case writes the prefix on every call (a write is the dearest an input token gets).
        worst += costOf(cachedUsage(input, maxOutput(model), terms, true), rates);
        const billed = known ? (known.models.get(model.model)?.billedPerVisit ?? 0) : position === 0 ? 1 : 0;
        const output = expectedOutput(model, tier.name);
        const share = shareOf(job, model);
        const cost = atShare(costOf(cachedUsage(input, Math.round(output), terms, false), rates), share);
        const firstExtra = terms ? atShare(costOf(cachedUsage(input, Math.round(output), terms, true), rates), share) - cost : 0n;
        if (index === firstIndex && position === 0) {
          low += cost;
          if (terms) lowFirst.add(`${model.model}\u0000${prompt.system}`, 1, firstExtra);
        }
        const rowKey = `${tier.name}\u0000${model.model}`;
        const acc = rowFor(tier.name, model);
        acc.costMicro += cost * micro(reach * billed);
        if (terms && reach * billed > 0) {
          let ledger = firstCalls.get(rowKey);
          if (!ledger) firstCalls.set(rowKey, (ledger = createFirstCallLedger()));
          ledger.add(prompt.system, reach * billed, firstExtra);
          acc.cacheRead += reach * billed * terms.readTokens;
        }
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
    const topTerms = cacheTerms(topModel, prompt.system, sharedJobs);
    const topUsage = [promptTokens(topModel), Math.round(expectedOutput(topModel, top.name))] as const;
    const topShare = shareOf(job, topModel);
    const topCost = atShare(costOf(cachedUsage(...topUsage, topTerms, false), ratesOf.get(topModel)!), topShare);
    baseline += topCost;
    if (topTerms)
      baselineFirst.add(
        prompt.system,
        1,
        atShare(costOf(cachedUsage(...topUsage, topTerms, true), ratesOf.get(topModel)!), topShare) - topCost,
      );
    if (usedHistory) jobsWithHistory++;
  });
  low += lowFirst.correction();
  baseline += baselineFirst.correction();

  const tierRank = (name: string) => (name === ROUTER_TIER ? -1 : config.tiers.findIndex((tier) => tier.name === name));
  const out: EstimateRow[] = [...rows.entries()]
    .map(([key, { acc, ...row }]) => ({
      ...row,
      jobs: round2(acc.jobs),
      calls: round2(acc.calls),
      input_tokens: Math.round(acc.input),
      cache_read_tokens: Math.round(acc.cacheRead),
      output_tokens: Math.round(acc.output),
      // Each job's call priced exactly (long-context steps included), weighted by its expected count,
      // plus each cached prefix's first call on this model (a write, or plain input).
      expected_usd: acc.costMicro / MICRO + (firstCalls.get(key)?.correction() ?? 0n),
    }))
    .sort((a, b) => tierRank(a.tier) - tierRank(b.tier));
  const expected = out.reduce((sum, row) => sum + row.expected_usd, 0n);
  return { rows: out, low, expected, worst, baseline, jobsWithHistory };
}

const round2 = (value: number) => Math.round(value * 100) / 100;
