import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { readReplayFile, type QualityMetric, type ReplayOutcome, type ReplayRow } from "./replay-dataset.js";

/**
 * Replay mode: the fake answers a prompt it finds in a routing replay file (the format of
 * src/fake-llm/replay-dataset.ts) with the answer recorded for the model class that was asked —
 * `weakModels` get the weak outcome, `strongModels` the strong one. `llm-router eval` uses it to
 * push a dataset through the real pipeline: whichever tier the router picks, the SDK gets the
 * recorded response (so token counts, and so the ledger's prices, follow the real answer lengths).
 *
 * Prompts are matched on their exact user text (the user messages joined by newlines, as
 * request.ts `userText` reads them), not on an id smuggled into the prompt: the router sends the
 * job exactly as the dataset wrote it. A prompt not in the file, or a model in neither list, gets
 * the ordinary synthetic answer. Latency, errors and invalid answers of the scenario still apply.
 */

export const replaySpecSchema = z
  .strictObject({
    /** Routing replay JSONL. Relative to the scenario file when loaded from one, else to the working directory. */
    file: z.string().min(1, { message: "must name a file" }),
    /** Models that answer with the recorded weak (cheap-tier) outcome. */
    weakModels: z.array(z.string().min(1)).min(1, { message: "list at least one model" }),
    /** Models that answer with the recorded strong (top-tier) outcome. */
    strongModels: z.array(z.string().min(1)).min(1, { message: "list at least one model" }),
  })
  .superRefine((spec, ctx) => {
    for (const model of spec.weakModels) {
      if (spec.strongModels.includes(model)) {
        ctx.addIssue({ code: "custom", path: ["strongModels"], message: `model "${model}" is in both weakModels and strongModels` });
      }
    }
  });

export type ReplaySpec = z.infer<typeof replaySpecSchema>;
export type ModelClass = "weak" | "strong";

/** The key a prompt is looked up by: the user turns, joined the way the fake reads requests. */
export function replayKey(row: Pick<ReplayRow, "prompt" | "messages">): string {
  if (row.messages)
    return row.messages
      .filter((m) => m.role === "user")
      .map((m) => m.content)
      .join("\n");
  return row.prompt ?? "";
}

/** The text a replayed model answers with: the recorded response, or a short stand-in naming the outcome. */
export function replayAnswerText(outcome: ReplayOutcome, modelClass: ModelClass, metric: QualityMetric): string {
  if (outcome.response !== undefined && outcome.response.trim() !== "") return outcome.response;
  const verdict = metric === "accuracy" ? (outcome.correct ? "correct" : "incorrect") : `score ${outcome.score}`;
  return `Replayed ${modelClass} answer (recorded as ${verdict}).`;
}

export interface ReplayCounters {
  /** Answers served from the file, per model class. */
  hits: Record<ModelClass, number>;
  /** Calls from a listed model whose prompt is not in the file. */
  misses: number;
  /** Calls from a model in neither list. */
  unlisted: number;
}

export class ReplayTable {
  private readonly byKey = new Map<string, ReplayRow>();
  private readonly classOf = new Map<string, ModelClass>();
  private counters: ReplayCounters = { hits: { weak: 0, strong: 0 }, misses: 0, unlisted: 0 };

  constructor(
    rows: ReplayRow[],
    readonly metric: QualityMetric,
    spec: Pick<ReplaySpec, "weakModels" | "strongModels">,
  ) {
    // The first row with a given text wins (a dataset may repeat a prompt).
    for (const row of rows) {
      const key = replayKey(row);
      if (!this.byKey.has(key)) this.byKey.set(key, row);
    }
    for (const model of spec.weakModels) this.classOf.set(model, "weak");
    for (const model of spec.strongModels) this.classOf.set(model, "strong");
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The recorded answer for this model and user text, or undefined (then the fake answers as usual). */
  answer(model: string, userText: string): string | undefined {
    const modelClass = this.classOf.get(model);
    if (!modelClass) {
      this.counters.unlisted++;
      return undefined;
    }
    const row = this.byKey.get(userText);
    if (!row) {
      this.counters.misses++;
      return undefined;
    }
    this.counters.hits[modelClass]++;
    return replayAnswerText(modelClass === "weak" ? row.weak : row.strong, modelClass, this.metric);
  }

  stats(): ReplayCounters {
    return { hits: { ...this.counters.hits }, misses: this.counters.misses, unlisted: this.counters.unlisted };
  }

  resetStats(): void {
    this.counters = { hits: { weak: 0, strong: 0 }, misses: 0, unlisted: 0 };
  }
}

export async function loadReplayTable(spec: ReplaySpec): Promise<ReplayTable> {
  const dataset = await readReplayFile(spec.file);
  return new ReplayTable(dataset.rows, dataset.metric, spec);
}

/** A scenario file's replay path, made absolute against the scenario file's folder. */
export function resolveReplayFile(spec: ReplaySpec, scenarioDir: string): ReplaySpec {
  return isAbsolute(spec.file) ? spec : { ...spec, file: resolve(scenarioDir, spec.file) };
}
