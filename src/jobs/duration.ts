/**
 * The durations every field and option takes ("500ms", "30s", "10m", "2h", "1d"): a job's deadline
 * and maxWait, `recover --older-than`. One parser, so the units and the rounding agree everywhere.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Whole milliseconds of a duration with its unit, 0 included ("0s"); undefined for anything else,
 * and for a non-zero amount under half a millisecond (it is no duration at all). Pure.
 */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const ms = Math.round(amount * UNIT_MS[match[2]!]!);
  if (!Number.isFinite(ms) || (ms === 0 && amount !== 0)) return undefined;
  return ms;
}
