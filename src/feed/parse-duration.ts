import { parseDurationMs as parseWithUnit } from "../jobs/duration.js";

/** A bare number: milliseconds (`recover --older-than 1500`). */
const BARE_MS = /^\d+(?:\.\d+)?$/;

/** "10m", "30s", "2h", "1d", "500ms" (jobs/duration.ts), or a bare number of milliseconds; undefined when it is none of these. Pure. */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (!BARE_MS.test(trimmed)) return parseWithUnit(trimmed);
  const ms = Math.round(Number(trimmed));
  return Number.isFinite(ms) ? ms : undefined;
}
