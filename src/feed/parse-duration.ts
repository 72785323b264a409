/** Units `recover --older-than` accepts, in milliseconds. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "10m", "30s", "2h", "1d", "500ms", or a bare number of milliseconds; undefined when it is none of these. Pure. */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]) * UNIT_MS[match[2] ?? "ms"]!;
  return Number.isFinite(value) ? Math.round(value) : undefined;
}
