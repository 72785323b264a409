/** Fake LLM provider: a real HTTP server speaking the OpenAI and Anthropic wire formats, driven by a scenario. */
export { startFakeLlm, type FakeLlm, type FakeLlmOptions } from "./server.js";
export {
  DEFAULT_SCENARIO,
  loadScenarioFile,
  parseScenario,
  resolveBatchBehaviour,
  resolveBehaviour,
  scenarioSchema,
  ScenarioError,
  type ModelBehaviour,
  type Scenario,
  type ScenarioInput,
} from "./scenario.js";
export type { BatchModelStats, FakeStats, ModelStats } from "./stats.js";
export { PROVIDER_BATCH_LIMITS, type BatchBehaviour, type BatchLimits } from "./batch-scenario.js";
export {
  loadReplayTable,
  replayAnswerText,
  replayKey,
  ReplayTable,
  replaySpecSchema,
  type ModelClass,
  type ReplayCounters,
  type ReplaySpec,
} from "./replay.js";
