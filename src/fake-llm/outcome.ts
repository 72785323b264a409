import { hash53, unitFromHash } from "./rng.js";
import type { ErrorKind, ModelBehaviour } from "./scenario.js";

export type Outcome = { type: "ok" } | { type: "invalid" } | { type: "error"; kind: ErrorKind };

/**
 * One uniform draw decides the call: the error bands first (in the behaviour's fixed order),
 * then the invalid band, the rest is a good answer.
 */
export function decideOutcome(behaviour: ModelBehaviour, u: number): Outcome {
  let edge = 0;
  for (const error of behaviour.errors) {
    edge += error.probability;
    if (u < edge) return { type: "error", kind: error.kind };
  }
  edge += behaviour.invalidRate;
  if (u < edge) return { type: "invalid" };
  return { type: "ok" };
}

export interface Draw {
  /** Uniform in [0, 1): decides the outcome. */
  u: number;
  /** Uniform in [0, 1): picks the latency from the model's distribution. */
  latencyU: number;
  /** Seeds the answer's word choices. */
  answerSeed: number;
  /** Stable hex id for response ids. */
  id: string;
}

/**
 * Draws keyed by (seed, model, prompt, n) where n counts earlier calls with the same model and
 * prompt: a retry of a prompt gets a fresh draw, yet the draw never depends on how calls with
 * other prompts interleave, so concurrent runs replay exactly.
 */
export class DrawSource {
  private readonly calls = new Map<string, number>();

  constructor(private readonly seed: number) {}

  next(model: string, promptKey: string): Draw {
    const promptHash = hash53(promptKey).toString(16);
    const counterKey = `${model}\n${promptHash}`;
    const n = this.calls.get(counterKey) ?? 0;
    this.calls.set(counterKey, n + 1);
    const base = `${this.seed}\n${counterKey}\n${n}`;
    const outcomeHash = hash53(base);
    return {
      u: unitFromHash(outcomeHash),
      latencyU: unitFromHash(hash53(base, 0x1a7e)),
      answerSeed: hash53(base, 0x5eed) >>> 0,
      id: outcomeHash.toString(16).padStart(14, "0"),
    };
  }
}
