import { z } from "zod";
import { SHIPPED_MODEL_FILE } from "./shipped-model.js";

/**
 * The `routing` section of the tiers file: how intake scores a job and where the tier boundaries
 * sit on that score. Every field is optional; the defaults reproduce the hand-set heuristic router.
 *
 * ```yaml
 * routing:
 *   classifier: trained            # heuristic | trained | llm | hybrid
 *   modelFile: models/router.json  # from `llm-router train`
 *   thresholds: [0.58, 0.66]       # from `llm-router calibrate`; one fewer than the tiers
 *   hybridMargin: 0.05
 *   shadow: { rate: 0.02, key: feature }
 * ```
 */

export const CLASSIFIERS = ["heuristic", "trained", "llm", "hybrid"] as const;
export type ClassifierMode = (typeof CLASSIFIERS)[number];

/** What a job's shadow-sampling decision is keyed on: the same key value always falls the same way. */
export const SHADOW_KEYS = ["id", "feature", "batch", "prompt"] as const;
export type ShadowKey = (typeof SHADOW_KEYS)[number];

/** How the shadow rate is spread over jobs: evenly, or more where the score is near a threshold. */
export const SHADOW_STRATEGIES = ["uniform", "uncertain"] as const;
export type ShadowStrategy = (typeof SHADOW_STRATEGIES)[number];

const probability = z.number().min(0, { message: "must be between 0 and 1" }).max(1, { message: "must be between 0 and 1" });

export const shadowConfigSchema = z
  .object({
    /**
     * Share of jobs answered below the top tier that are also run on the top tier, to measure
     * whether the cheaper answer was good enough. Default 0 (off).
     */
    rate: probability.default(0),
    /**
     * What the sampling hashes: `id` (each job on its own), `feature`, `batch` (whole features or
     * batches in or out together), or `prompt` (the same text always falls the same way). Default id.
     */
    key: z.enum(SHADOW_KEYS).default("id"),
    /**
     * `uniform`: every job answered below the top tier is sampled at `rate`. `uncertain`: jobs whose
     * score is near a tier threshold are sampled more, and jobs the router is sure about less, at the
     * same average rate over the recent traffic (src/tiers/shadow/uncertain-sampling.ts). Default uniform.
     */
    strategy: z.enum(SHADOW_STRATEGIES).default("uniform"),
  })
  .strict();

export const routingConfigSchema = z
  .object({
    /**
     * How intake scores a job. Default heuristic.
     * - `heuristic`: the hand-set complexity score of src/intake/heuristic/complexity-score.ts.
     * - `trained`: the model in `modelFile` (P(the cheap tier's answer is not good enough)).
     * - `llm`: the cheapest model is asked for {tier, reason}; the heuristic on a bad answer.
     * - `hybrid`: the score (trained if `modelFile` is set, else heuristic), and the llm only when
     *   the score is within `hybridMargin` of a threshold.
     */
    classifier: z.enum(CLASSIFIERS).default("heuristic"),
    /**
     * Ascending cut points on the score, one fewer than the tiers: a score below thresholds[0] goes
     * to the first tier, at or above thresholds[i − 1] and below thresholds[i] to tier i.
     * Default: the classifier's own — for the heuristic [0.35, 0.65] with three tiers (evenly
     * spaced otherwise: [0.5] for two); for a trained model, the held-out score quantiles that send
     * 25% of jobs to the top tier and split the rest evenly (stored in the model file).
     * `llm-router calibrate` computes them for a target mix.
     */
    thresholds: z.array(z.number().min(0).max(1)).optional(),
    /** The trained model (`llm-router train --out`), relative to the working directory. Default for `trained`: the shipped models/router.json. */
    modelFile: z.string().min(1).optional(),
    /** `hybrid`: how close to a threshold (in score units) a job must be to ask the llm. Default 0.05. */
    hybridMargin: z.number().min(0).max(0.5).default(0.05),
    /**
     * Keep each job's text on its request row (`requests.prompt`). Default false: the ledger keeps
     * only the hashed routing features, which are enough to retrain and re-price (docs/routing.md).
     */
    storePrompts: z.boolean().default(false),
    /** Shadow sampling; default off. */
    shadow: shadowConfigSchema.default({ rate: 0, key: "id", strategy: "uniform" }),
  })
  .strict()
  .superRefine((routing, ctx) => {
    const cuts = routing.thresholds;
    if (cuts) {
      for (let index = 1; index < cuts.length; index++) {
        if (!(cuts[index]! >= cuts[index - 1]!)) {
          ctx.addIssue({ code: "custom", path: ["thresholds", index], message: `thresholds must be ascending, got [${cuts.join(", ")}]` });
          break;
        }
      }
    }
  })
  // `classifier: trained` with no file named scores with the shipped model (models/router.json).
  .transform((routing) =>
    routing.classifier === "trained" && routing.modelFile === undefined ? { ...routing, modelFile: SHIPPED_MODEL_FILE } : routing,
  );

export type RoutingConfig = z.infer<typeof routingConfigSchema>;

/** Every default: what `routing` means when the tiers file leaves it out (a fresh object each call). */
export function defaultRoutingConfig(): RoutingConfig {
  return { classifier: "heuristic", hybridMargin: 0.05, storePrompts: false, shadow: { rate: 0, key: "id", strategy: "uniform" } };
}

/**
 * The check that needs the tiers: thresholds, when given, number one fewer than the tiers.
 * Called from the tiers file's own superRefine (it sees both sections).
 */
export function checkThresholdCount(
  routing: RoutingConfig,
  tierCount: number,
  ctx: { addIssue(issue: { code: "custom"; path: (string | number)[]; message: string }): void },
): void {
  if (routing.thresholds && routing.thresholds.length !== tierCount - 1) {
    ctx.addIssue({
      code: "custom",
      path: ["routing", "thresholds"],
      message: `${routing.thresholds.length} threshold(s) for ${tierCount} tiers; give ${tierCount - 1} (one fewer than the tiers)`,
    });
  }
}
