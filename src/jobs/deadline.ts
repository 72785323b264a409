import { parseDurationMs } from "./duration.js";

/**
 * A job's deadline: how long its answer may take (it may then wait for a provider batch at half
 * price). Given as a duration from enqueue ("90s", "30m", "6h", "2d") or an ISO timestamp; turned
 * into one absolute time from the job's `enqueuedAt`, so every stage and every pod sees the same.
 */
export type Deadline = { kind: "duration"; ms: number } | { kind: "at"; at: Date };

/** ISO 8601 with a date and a time (a bare number is refused: it reads as a duration without unit). */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export function parseDeadline(text: string): Deadline | undefined {
  const trimmed = text.trim();
  const ms = parseDurationMs(trimmed);
  if (ms !== undefined) return ms > 0 ? { kind: "duration", ms } : undefined;
  if (!ISO_TIMESTAMP.test(trimmed)) return undefined;
  const at = new Date(trimmed);
  return Number.isNaN(at.getTime()) ? undefined : { kind: "at", at };
}

/** The absolute deadline of a job enqueued at `enqueuedAt`; undefined when it has none (or an unreadable one). */
export function resolveDeadlineAt(text: string | undefined, enqueuedAt: string | Date): Date | undefined {
  if (text === undefined) return undefined;
  const deadline = parseDeadline(text);
  if (!deadline) return undefined;
  if (deadline.kind === "at") return deadline.at;
  return new Date(new Date(enqueuedAt).getTime() + deadline.ms);
}
