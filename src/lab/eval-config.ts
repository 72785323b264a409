import type { RoutingConfig } from "../config/routing-config-schema.js";
import { routerConfigSchema, type RouterConfig } from "../config/router-config-schema.js";
import { defaultThresholds } from "../intake/classify-job.js";
import { loadTrainedModel } from "../intake/trained/trained-model.js";
import { thresholdsForMaxShares } from "./calibrate.js";
import { RouterError } from "../errors/router-error.js";

/**
 * The config an eval runs with. A replay dataset knows two answers per prompt (weak and strong), so
 * the eval routes between two tiers: the configured cheapest tier (the weak model) and the top tier
 * (the strong one). Middle tiers collapse: a job the full config would start on a middle tier starts
 * on the cheap end here, because the dataset has no answer for a middle model. Feature rules and
 * kind floors are dropped too: they would decide jobs the classifier is being measured on.
 */

export interface EvalTierPair {
  cheap: RouterConfig["tiers"][number];
  top: RouterConfig["tiers"][number];
}

export function tierPair(config: RouterConfig): EvalTierPair {
  if (config.tiers.length < 2)
    throw new RouterError("config", "eval needs at least two tiers (the cheapest answers as the weak model, the top as the strong one)");
  const cheap = config.tiers[0]!;
  const top = config.tiers[config.tiers.length - 1]!;
  const shared = cheap.models.filter((model) => top.models.some((other) => other.model === model.model));
  if (shared.length > 0) {
    throw new RouterError(
      "config",
      `model ${shared[0]!.model} is in both the cheapest and the top tier; eval cannot tell which recorded answer it should give`,
    );
  }
  return { cheap, top };
}

/**
 * The two-tier eval config: the two end tiers (with `concurrency` each, since the fake answers at
 * once), the given classifier and a single threshold (score ≥ threshold → top tier).
 */
export function evalConfig(
  base: RouterConfig,
  routing: Pick<RoutingConfig, "classifier" | "modelFile"> & { threshold?: number },
  concurrency: number,
): RouterConfig {
  const { cheap, top } = tierPair(base);
  return routerConfigSchema.parse({
    ...base,
    tiers: [
      { ...cheap, concurrency },
      { ...top, concurrency },
    ],
    features: {},
    kindFloors: {},
    kindCeilings: {},
    routing: {
      ...base.routing,
      classifier: routing.classifier,
      ...(routing.modelFile !== undefined ? { modelFile: routing.modelFile } : { modelFile: undefined }),
      thresholds: routing.threshold !== undefined ? [routing.threshold] : undefined,
    },
  });
}

/**
 * The top-tier cut the full config applies for this classifier: its configured (or default)
 * thresholds' last value. Jobs at or above it start on the top tier there, and go up here.
 */
export function configuredTopThreshold(base: RouterConfig, routing: Pick<RoutingConfig, "classifier" | "modelFile">): number {
  const tierCount = base.tiers.length;
  if (base.routing.thresholds && base.routing.classifier === routing.classifier && base.routing.modelFile === routing.modelFile) {
    return base.routing.thresholds[base.routing.thresholds.length - 1]!;
  }
  const cuts =
    routing.classifier === "trained" && routing.modelFile !== undefined
      ? loadTrainedModel(routing.modelFile).defaultThresholds(tierCount)
      : defaultThresholds(tierCount);
  return cuts[cuts.length - 1]!;
}

/**
 * The threshold that sends at most `share` of these scores to the top tier (score ≥ threshold goes
 * up), cut the way `calibrate` cuts: tied scores stay together, the cut sits between two scores.
 */
export function thresholdForTopShare(scores: number[], share: number): number {
  return thresholdsForMaxShares(scores, [1 - share, share])[0]!;
}
