import { readFile } from "node:fs/promises";
import { z } from "zod";
import { dirname } from "node:path";
import { describeIssues } from "./issues.js";
import { MISBEHAVIOURS, type Misbehaviour } from "./misbehave.js";
import { replaySpecSchema, resolveReplayFile } from "./replay.js";
import { MAX_LATENCY_MS, type LatencySpec } from "./latency.js";
import { RouterError } from "../errors/router-error.js";
import { batchBehaviourKeys, batchBehaviourOf, batchLimitsSchema, type BatchBehaviour } from "./batch-scenario.js";

/**
 * The scenario: how each fake model behaves (latency, error mix, invalid answers, token counts).
 * It is a file format users write by hand, so unknown keys are errors (a typo must not
 * silently mean "no errors") and every message names the offending path.
 */

/** Key of the entry that applies to every model; a model's own entry is merged over it. */
export const DEFAULT_MODEL_KEY = "*";

const probability = z
  .number({ message: "must be a number" })
  .min(0, { message: "must be a probability between 0 and 1" })
  .max(1, { message: "must be a probability between 0 and 1" });

const tokenCount = z.number().int({ message: "must be a whole number of tokens" }).min(0, { message: "must be >= 0" });

/** HTTP error statuses a call may fail with, or "timeout": the call hangs until the client gives up. */
const errorKey = z.string().regex(/^(timeout|[45]\d\d)$/, {
  message: 'error keys must be an HTTP status from 400 to 599 (e.g. "429") or "timeout"',
});

const milliseconds = z
  .number({ message: "must be a number of milliseconds" })
  .min(0, { message: "must be >= 0" })
  .max(MAX_LATENCY_MS, { message: "must be at most 600000 (10 minutes)" });

/** A fixed latency, or a seeded distribution: { min, max } uniform, or { p50, p99 } log-normal. */
const latencySchema = z.union(
  [
    milliseconds,
    z.strictObject({ min: milliseconds, max: milliseconds }).refine((range) => range.min <= range.max, { message: "min must be <= max" }),
    z.strictObject({ p50: milliseconds, p99: milliseconds }).refine((range) => range.p50 <= range.p99, { message: "p50 must be <= p99" }),
  ],
  { message: "must be a number of milliseconds, { min, max } or { p50, p99 }" },
);

const modelBehaviourSchema = z.strictObject({
  latencyMs: latencySchema.optional(),
  errors: z.record(errorKey, probability).optional(),
  invalidRate: probability.optional(),
  outputTokens: tokenCount.optional(),
  cacheReadTokens: tokenCount.optional(),
  cacheWriteTokens: tokenCount.optional(),
  /** Shortest prefix the simulated cache keeps for this model. Default: the provider's published minimum. */
  cacheMinTokens: tokenCount.optional(),
  retryAfterMs: z.number().min(0, { message: "must be >= 0" }).optional(),
  /** Bend every answer of the model the way a misbehaving endpoint would (misbehave.ts). */
  misbehave: z.enum(MISBEHAVIOURS).optional(),
  /** Errors carry `x-should-retry: true` or `false` (the providers' override of the status); unset: no header. */
  shouldRetry: z.boolean().optional(),
  /** The batch APIs' keys (batch-scenario.ts). */
  ...batchBehaviourKeys,
});

const scenarioObject = z.strictObject({
  seed: z.number().int({ message: "must be an integer" }).default(1),
  models: z.record(z.string().min(1, { message: "model ids must not be empty" }), modelBehaviourSchema).default({}),
  /** Replay mode (replay.ts): answer known prompts with the answers recorded in a routing replay file. */
  replay: replaySpecSchema.optional(),
  /** Lower batch limits than the providers' (batch-scenario.ts), so tests can reach them with small files. */
  batchLimits: batchLimitsSchema.optional(),
});

export const scenarioSchema = scenarioObject.superRefine((scenario, ctx) => {
  // Check every merged entry: "*" may contribute errors and the model its invalidRate.
  for (const model of Object.keys(scenario.models)) {
    const behaviour = resolveBehaviour(scenario, model);
    const total = behaviour.errors.reduce((sum, e) => sum + e.probability, 0) + behaviour.invalidRate;
    if (total > 1 + 1e-9) {
      const merged = model === DEFAULT_MODEL_KEY ? "" : ` (including defaults from "${DEFAULT_MODEL_KEY}")`;
      ctx.addIssue({
        code: "custom",
        path: ["models", model],
        message: `error probabilities + invalidRate sum to ${round(total)}${merged}; they must be at most 1`,
      });
    }
  }
});

/** What a user may write (every field optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioObject>;
type BehaviourEntry = z.output<typeof modelBehaviourSchema>;

export type ErrorKind = number | "timeout";

/** One model's behaviour with "*" merged in and defaults applied. */
export interface ModelBehaviour {
  /** Drawn per call with drawLatencyMs (latency.ts). */
  latencyMs: LatencySpec;
  /** In a fixed order (statuses ascending, then timeout) so a draw maps to the same outcome whatever the JSON key order. */
  errors: { kind: ErrorKind; probability: number }[];
  invalidRate: number;
  /** Undefined: the answer's natural length per job kind. */
  outputTokens: number | undefined;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheMinTokens: number | undefined;
  retryAfterMs: number;
  misbehave: Misbehaviour | undefined;
  shouldRetry: boolean | undefined;
}

export const DEFAULT_RETRY_AFTER_MS = 1000;

export const DEFAULT_SCENARIO: Scenario = { seed: 1, models: {} };

export class ScenarioError extends RouterError {
  override name = "ScenarioError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("input", message, options);
  }
}

/** Validates a parsed JSON value; throws ScenarioError listing each problem as "path: message". */
export function parseScenario(json: unknown): Scenario {
  const result = scenarioSchema.safeParse(json);
  if (!result.success) throw new ScenarioError(`invalid scenario: ${describeIssues(result.error)}`);
  return result.data;
}

export async function loadScenarioFile(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ScenarioError(`cannot read scenario file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`scenario file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const result = scenarioSchema.safeParse(json);
  if (!result.success) throw new ScenarioError(`invalid scenario file ${path}: ${describeIssues(result.error)}`);
  const scenario = result.data;
  // A replay file named in a scenario file is found next to it, wherever the fake is started from.
  return scenario.replay ? { ...scenario, replay: resolveReplayFile(scenario.replay, dirname(path)) } : scenario;
}

/** The behaviour of `model`: its own entry merged field by field over "*" (unknown models get "*" alone). */
export function resolveBehaviour(scenario: Scenario, model: string): ModelBehaviour {
  const merged: BehaviourEntry = {
    ...scenario.models[DEFAULT_MODEL_KEY],
    ...(model === DEFAULT_MODEL_KEY ? {} : scenario.models[model]),
  };
  return {
    latencyMs: merged.latencyMs ?? 0,
    errors: orderErrors(merged.errors ?? {}),
    invalidRate: merged.invalidRate ?? 0,
    outputTokens: merged.outputTokens,
    cacheReadTokens: merged.cacheReadTokens ?? 0,
    cacheWriteTokens: merged.cacheWriteTokens ?? 0,
    cacheMinTokens: merged.cacheMinTokens,
    retryAfterMs: merged.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS,
    misbehave: merged.misbehave,
    shouldRetry: merged.shouldRetry,
  };
}

/** The batch keys of `model`, merged over "*" the same way. */
export function resolveBatchBehaviour(scenario: Scenario, model: string): BatchBehaviour {
  return batchBehaviourOf({ ...scenario.models[DEFAULT_MODEL_KEY], ...(model === DEFAULT_MODEL_KEY ? {} : scenario.models[model]) });
}

function orderErrors(errors: Record<string, number>): ModelBehaviour["errors"] {
  return Object.entries(errors)
    .map(([key, probability]) => ({ kind: key === "timeout" ? ("timeout" as const) : Number(key), probability }))
    .sort((a, b) => rank(a.kind) - rank(b.kind));
}

const rank = (kind: ErrorKind): number => (kind === "timeout" ? 1000 : kind);

const round = (n: number): number => Math.round(n * 1e6) / 1e6;
