export type { ClassifierKind, RoutingDecision, RoutingSignals } from "./routing-decision.js";
export { extractSignals, SAMPLE_HEAD_CHARS, SAMPLE_LIMIT_CHARS, SAMPLE_TAIL_CHARS } from "./heuristic/signals.js";
export {
  complexityScore,
  explainComplexity,
  KIND_PROFILES,
  type ComplexityBreakdown,
  type KindProfile,
  type ScoredSignal,
  type SignalContribution,
} from "./heuristic/complexity-score.js";
export {
  classifyJob,
  DEFAULT_THREE_TIER_THRESHOLDS,
  defaultThresholds,
  scoreJob,
  tierIndexForScore,
  validateRoutingTargets,
  type JobScore,
} from "./classify-job.js";
export { applyKindFloor, type FlooredTier } from "./kind-floor.js";
export { loadClassifier, usesTrainedModel, type IntakeLiveConfig, type LoadedClassifier } from "./loaded-classifier.js";
export {
  DEFAULT_FEATURIZER_SPEC,
  DENSE_FEATURES,
  Featurizer,
  jobText,
  type FeaturizerSpec,
  type JobFeatures,
} from "./trained/featurize.js";
export {
  DEFAULT_TOP_SHARE,
  loadTrainedModel,
  MODEL_FORMAT,
  ModelFileError,
  readModelFile,
  thresholdsForShares,
  TrainedRouter,
  type ModelFile,
} from "./trained/trained-model.js";
