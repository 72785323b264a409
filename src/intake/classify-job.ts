import type { RouterConfig } from "../config/router-config-schema.js";
import type { JobInput } from "../jobs/job-schema.js";
import { explainComplexity, type ScoredSignal, type SignalContribution } from "./heuristic/complexity-score.js";
import type { RoutingDecision, RoutingSignals } from "./routing-decision.js";
import { extractSignals } from "./heuristic/signals.js";
import { loadTrainedModel } from "./trained/trained-model.js";
import { applyKindCeiling, applyKindFloor } from "./kind-floor.js";
import { usesTrainedModel, type LoadedClassifier } from "./loaded-classifier.js";

/**
 * The intake classifier: which tier a job goes to first, and why. Pure: config in, decision out
 * (a trained model's file is read on first use and kept, see trained-model.ts).
 *
 * Precedence: a forced tier, then a forced model, then a feature rule, then the score (raised to
 * the kind's floor). Rules are exact; the floor only constrains the score.
 *
 * The score comes from `routing.classifier` (src/config/routing-config-schema.ts): the hand-set
 * heuristic, or a trained model (P(the cheap tier's answer is not good enough), loaded once from
 * `routing.modelFile` with the config). `llm` and `hybrid` score here like their base (the trained model when a
 * modelFile is set, else the heuristic); the intake stage adds the llm call on top.
 * Tiers are cut on the score at `routing.thresholds`, or at the classifier's own defaults.
 */

/** Thresholds for the usual three tiers: below 0.35 cheap, below 0.65 balanced, else premium. */
export const DEFAULT_THREE_TIER_THRESHOLDS: readonly number[] = [0.35, 0.65];

/** At most this many signals are named in a heuristic reason... */
const REASON_MAX_SIGNALS = 3;
/** ...and only those that moved the logit at least this much. */
const REASON_MIN_CONTRIBUTION = 0.1;

/** Evenly spaced thresholds for `tierCount` tiers (the three-tier default is hand-set). */
export function defaultThresholds(tierCount: number): readonly number[] {
  if (tierCount === 3) return DEFAULT_THREE_TIER_THRESHOLDS;
  return Array.from({ length: tierCount - 1 }, (_, index) => (index + 1) / tierCount);
}

/**
 * Index of the tier (0 = cheapest) for a score: the number of thresholds the score reaches,
 * capped at the top tier. Default thresholds: [0.35, 0.65] for three tiers, evenly spaced
 * otherwise (two tiers: [0.5]). A NaN score counts as 0.
 */
export function tierIndexForScore(score: number, tierCount: number, thresholds?: readonly number[]): number {
  if (!Number.isInteger(tierCount) || tierCount < 1) {
    throw new Error(`tierCount must be a positive integer, got ${tierCount}`);
  }
  const cuts = thresholds ?? defaultThresholds(tierCount);
  for (let index = 1; index < cuts.length; index++) {
    if (!(cuts[index]! >= cuts[index - 1]!)) {
      throw new Error(`thresholds must be ascending, got [${cuts.join(", ")}]`);
    }
  }
  const value = Number.isNaN(score) ? 0 : score;
  let index = 0;
  while (index < cuts.length && value >= cuts[index]!) index++;
  return Math.min(index, tierCount - 1);
}

const tierNames = (config: RouterConfig) => config.tiers.map((tier) => tier.name);

function configuredModels(config: RouterConfig): string[] {
  const models: string[] = [];
  for (const tier of config.tiers) {
    for (const entry of tier.models) if (!models.includes(entry.model)) models.push(entry.model);
  }
  return models;
}

function unknownTierMessage(name: string, config: RouterConfig): string {
  return `unknown tier "${name}" (tiers: ${tierNames(config).join(", ")})`;
}

function unknownModelMessage(model: string, config: RouterConfig): string {
  return `unknown model "${model}" (configured models: ${configuredModels(config).join(", ")})`;
}

/** Index of the lowest tier with this model id, or -1. */
function lowestTierWithModel(model: string, config: RouterConfig): number {
  return config.tiers.findIndex((tier) => tier.models.some((entry) => entry.model === model));
}

/** Index of a tier named in the config (features), which the config schema has checked. */
function configuredTierIndex(name: string, config: RouterConfig, where: string): number {
  const index = config.tiers.findIndex((tier) => tier.name === name);
  if (index === -1) throw new Error(`${where}: ${unknownTierMessage(name, config)}`);
  return index;
}

/**
 * Why a job cannot be routed, or undefined if it can: it forces a tier or a model the config
 * does not have. The producer rejects such lines at enqueue with this message.
 */
export function validateRoutingTargets(job: JobInput, config: RouterConfig): string | undefined {
  const problems: string[] = [];
  if (job.tier !== undefined && !config.tiers.some((tier) => tier.name === job.tier)) {
    problems.push(unknownTierMessage(job.tier, config));
  }
  if (job.model !== undefined && lowestTierWithModel(job.model, config) === -1) {
    problems.push(unknownModelMessage(job.model, config));
  }
  // A job pinned to a model runs only in a tier that has it; a forced tier without it could never answer.
  const forcedTier = config.tiers.find((tier) => tier.name === job.tier);
  if (job.model !== undefined && forcedTier && !forcedTier.models.some((model) => model.model === job.model)) {
    problems.push(
      `model "${job.model}" is not in tier "${forcedTier.name}" (its models: ${forcedTier.models.map((model) => model.model).join(", ")})`,
    );
  }
  return problems.length > 0 ? problems.join("; ") : undefined;
}

const SIGNAL_LABELS: Record<ScoredSignal, (value: number) => string> = {
  length: (tokens) => `~${tokens} tokens`,
  reasoningTerms: (count) => `reasoning terms ${count}`,
  codeBlocks: (count) => `code blocks ${count}`,
  questions: (count) => `questions ${count}`,
  mathTerms: (count) => `math terms ${count}`,
  constraints: (count) => `constraints ${count}`,
  turns: (count) => `turns ${count}`,
};

function describeContributions(contributions: SignalContribution[]): string {
  const named = contributions
    .filter((term) => term.contribution >= REASON_MIN_CONTRIBUTION)
    .slice(0, REASON_MAX_SIGNALS)
    .map((term) => SIGNAL_LABELS[term.signal](term.value));
  return named.length > 0 ? named.join(", ") : "no strong signals";
}

/** A job's score under the configured classifier, how to describe it, and the thresholds that apply. */
export interface JobScore {
  score: number;
  classifier: "heuristic" | "trained";
  /** e.g. "heuristic score 0.42 (reasoning terms 2, ~300 tokens)" or "trained score 0.61". */
  describe: string;
  thresholds: readonly number[];
}

/**
 * Scores a job the way intake does: the trained model when `routing.classifier` is trained (or
 * llm/hybrid with a modelFile), else the heuristic. Throws if the model file cannot be read.
 */
export function scoreJob(
  job: JobInput,
  config: RouterConfig,
  signals: RoutingSignals = extractSignals(job),
  classifier?: LoadedClassifier,
): JobScore {
  const routing = config.routing;
  const tierCount = config.tiers.length;
  if (usesTrainedModel(config)) {
    const model = classifier ? classifier.trained : loadTrainedModel(routing.modelFile!);
    if (!model) throw new Error(`the trained model ${routing.modelFile} is not loaded (see loadClassifier)`);
    const score = model.score(job, signals);
    return {
      score,
      classifier: "trained",
      describe: `trained score ${score.toFixed(2)}`,
      thresholds: routing.thresholds ?? model.defaultThresholds(tierCount),
    };
  }
  const { score, contributions } = explainComplexity(signals, job.kind);
  return {
    score,
    classifier: "heuristic",
    describe: `heuristic score ${score.toFixed(2)} (${describeContributions(contributions)})`,
    thresholds: routing.thresholds ?? defaultThresholds(tierCount),
  };
}

/**
 * Routes one job. Throws if it forces a tier or model the config does not have (see
 * validateRoutingTargets). `classifier`: the one loaded with the live config (the intake stage);
 * without it a trained model is read once per process (the one-shot lab commands).
 */
export function classifyJob(job: JobInput, config: RouterConfig, classifier?: LoadedClassifier): RoutingDecision {
  const signals = extractSignals(job);
  const scored = scoreJob(job, config, signals, classifier);
  const score = scored.score;
  const rule = (tier: string, reason: string): RoutingDecision => ({
    tier,
    reason,
    classifier: "rule",
    score,
    signals,
  });

  if (job.tier !== undefined) {
    if (!config.tiers.some((tier) => tier.name === job.tier)) throw new Error(unknownTierMessage(job.tier, config));
    return rule(job.tier, `forced tier ${job.tier}`);
  }

  if (job.model !== undefined) {
    const index = lowestTierWithModel(job.model, config);
    if (index === -1) throw new Error(unknownModelMessage(job.model, config));
    const tier = config.tiers[index]!.name;
    return rule(tier, `forced model ${job.model} → ${tier}`);
  }

  if (job.feature !== undefined && Object.hasOwn(config.features, job.feature)) {
    const name = config.features[job.feature]!;
    const tier = config.tiers[configuredTierIndex(name, config, `features.${job.feature}`)]!.name;
    return rule(tier, `feature ${job.feature} → ${tier}`);
  }

  const byScore = tierIndexForScore(score, config.tiers.length, scored.thresholds);
  const capped = applyKindCeiling(byScore, job.kind, config);
  const { index, raised } = applyKindFloor(capped.index, job.kind, config);
  const tier = config.tiers[index]!.name;
  let reason = `${scored.describe} → ${tier}`;
  if (capped.lowered) {
    reason += ` (kind ceiling for ${job.kind}; score alone → ${config.tiers[byScore]!.name})`;
  }
  if (raised) {
    reason += ` (kind floor for ${job.kind}; score alone → ${config.tiers[byScore]!.name})`;
  }
  return { tier, reason, classifier: scored.classifier, score, signals };
}
