import type { RouterConfig } from "../config/router-config-schema.js";
import type { LiveConfig } from "../providers/live-config.js";
import { readModelFile, type TrainedRouter } from "./trained/trained-model.js";

/** What the configured classifier needs from disk, loaded: today the trained model, when one is used. */
export interface LoadedClassifier {
  trained?: TrainedRouter;
}

/**
 * The live config as the intake stage reads it: the classifier is part of it, built with the rest
 * on every (re)load, so a retrained model file — even at the same path — applies on SIGHUP or a
 * change of the tiers file, and a bad one refuses the reload like any bad config.
 */
export interface IntakeLiveConfig extends LiveConfig {
  classifier: LoadedClassifier;
}

/** Does this routing config score with a trained model (trained, or llm/hybrid with a modelFile)? */
export function usesTrainedModel(config: RouterConfig): boolean {
  return config.routing.modelFile !== undefined && config.routing.classifier !== "heuristic";
}

/**
 * Loads what `config.routing` names, reading the model file afresh (no cache: a reload must see
 * the file as it is now). Throws ModelFileError naming the file and the problem.
 */
export function loadClassifier(config: RouterConfig): LoadedClassifier {
  return usesTrainedModel(config) ? { trained: readModelFile(config.routing.modelFile!) } : {};
}
