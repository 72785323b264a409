import { readFile } from "node:fs/promises";
import { z } from "zod";
import { JOB_KINDS, type JobInput, type JobKind } from "../jobs/job-schema.js";
import { RouterError } from "../errors/router-error.js";

/**
 * The routing replay format (../shared/data/routing-replay/README.md): one prompt per line with
 * the recorded outcome of a weak model (the cheap tier) and a strong one (the top tier).
 *
 *   {"id": "gsm8k-0000", "source": "gsm8k", "prompt": "...",
 *    "outcomes": {"weak":   {"model": "...", "correct": true,  "response": "..."},
 *                 "strong": {"model": "...", "correct": false, "response": "..."}}}
 *
 * An outcome carries `correct` (a boolean) or `score` (a judge's grade, e.g. 1–10), and maybe the
 * `response`. Extra keys are kept out of the way, not rejected: datasets grow fields.
 * Train, calibrate, eval and the fake provider's replay mode all read it through here.
 */

const outcomeSchema = z
  .looseObject({
    model: z.string().optional(),
    correct: z.boolean().optional(),
    score: z.number().finite().optional(),
    response: z.string().optional(),
  })
  .refine((outcome) => outcome.correct !== undefined || outcome.score !== undefined, {
    message: "an outcome needs `correct` (boolean) or `score` (number)",
  });

const messageSchema = z.object({ role: z.enum(["user", "assistant"]), content: z.string().min(1) });

export const replayRowSchema = z
  .looseObject({
    id: z.union([z.string().min(1), z.number()]).optional(),
    source: z.string().optional(),
    kind: z.enum(JOB_KINDS).optional(),
    prompt: z.string().min(1).optional(),
    messages: z.array(messageSchema).min(1).optional(),
    system: z.string().optional(),
    outcomes: z.looseObject({ weak: outcomeSchema, strong: outcomeSchema }),
  })
  .refine((row) => (row.prompt === undefined) !== (row.messages === undefined), {
    message: "a row needs `prompt` or `messages` (not both)",
  });

export type ReplayOutcome = z.infer<typeof outcomeSchema>;

export interface ReplayRow {
  /** The row's id, or `line-<n>` when it has none. */
  id: string;
  /** 1-based line in the file. */
  line: number;
  source: string | undefined;
  kind: JobKind | undefined;
  prompt: string | undefined;
  messages: { role: "user" | "assistant"; content: string }[] | undefined;
  system: string | undefined;
  weak: ReplayOutcome;
  strong: ReplayOutcome;
}

/** How quality is measured: accuracy when every outcome has `correct`, else the mean judge score. */
export type QualityMetric = "accuracy" | "mean_score";

export interface ReplayDataset {
  path: string;
  rows: ReplayRow[];
  metric: QualityMetric;
}

export class ReplayDataError extends RouterError {
  override name = "ReplayDataError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("input", message, options);
  }
}

/** Parses JSONL text; every bad line is reported as `file:line: reason` (up to 20 of them). */
export function parseReplayJsonl(text: string, path = "data"): ReplayDataset {
  const rows: ReplayRow[] = [];
  const problems: string[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      problems.push(`${path}:${index + 1}: not valid JSON: ${(error as Error).message}`);
      continue;
    }
    const parsed = replayRowSchema.safeParse(json);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(row)"}: ${issue.message}`).join("; ");
      problems.push(`${path}:${index + 1}: ${reason}`);
      continue;
    }
    const row = parsed.data;
    rows.push({
      id: row.id === undefined ? `line-${index + 1}` : String(row.id),
      line: index + 1,
      source: row.source,
      kind: row.kind,
      prompt: row.prompt,
      messages: row.messages,
      system: row.system,
      weak: row.outcomes.weak,
      strong: row.outcomes.strong,
    });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).join("\n");
    const more = problems.length > 20 ? `\n... and ${problems.length - 20} more` : "";
    throw new ReplayDataError(`${problems.length} bad line(s) in ${path}:\n${shown}${more}`);
  }
  if (rows.length === 0) throw new ReplayDataError(`${path} has no rows`);
  const ids = new Set<string>();
  for (const row of rows) {
    if (ids.has(row.id)) throw new ReplayDataError(`${path}:${row.line}: duplicate id "${row.id}"`);
    ids.add(row.id);
  }
  return { path, rows, metric: qualityMetricOf(rows, path) };
}

export async function readReplayFile(path: string): Promise<ReplayDataset> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ReplayDataError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return parseReplayJsonl(text, path);
}

function qualityMetricOf(rows: ReplayRow[], path: string): QualityMetric {
  const allCorrect = rows.every((row) => row.weak.correct !== undefined && row.strong.correct !== undefined);
  if (allCorrect) return "accuracy";
  const allScored = rows.every((row) => row.weak.score !== undefined && row.strong.score !== undefined);
  if (allScored) return "mean_score";
  throw new ReplayDataError(`${path}: mixes rows with only \`correct\` and rows with only \`score\`; use one measure throughout`);
}

/** The quality of one recorded answer under the dataset's metric: 1/0 for accuracy, the score otherwise. */
export function outcomeQuality(outcome: ReplayOutcome, metric: QualityMetric): number {
  if (metric === "accuracy") return outcome.correct ? 1 : 0;
  return outcome.score ?? 0;
}

/** The job a row becomes: its own kind, else `kind` (default generate, which any prompt is). */
export function rowToJob(row: ReplayRow, options: { kind?: JobKind; id?: string } = {}): JobInput {
  return {
    ...(options.id !== undefined ? { id: options.id } : {}),
    kind: row.kind ?? options.kind ?? "generate",
    ...(row.messages ? { messages: row.messages } : { prompt: row.prompt! }),
    ...(row.system ? { system: row.system } : {}),
  };
}
