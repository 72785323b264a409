export type { ClassifierKind, RoutingDecision, RoutingSignals } from "./routing-decision.js";
export { extractSignals, SAMPLE_HEAD_CHARS, SAMPLE_LIMIT_CHARS, SAMPLE_TAIL_CHARS } from "./signals.js";
export {
  complexityScore,
  explainComplexity,
  KIND_PROFILES,
  type ComplexityBreakdown,
  type KindProfile,
  type ScoredSignal,
  type SignalContribution,
} from "./complexity-score.js";
export {
  classifyJob,
  DEFAULT_THREE_TIER_THRESHOLDS,
  tierIndexForScore,
  validateRoutingTargets,
} from "./classify-job.js";
