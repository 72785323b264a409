/**
 * Whether a tier may fall back to a dearer model while its primary is only cooling down after a 429.
 * A cool-down ends in about a second; a fallback that costs several times the primary's price pays
 * that premium on every job it takes meanwhile (issue 16 item 16: a 429 on gpt-5-mini sent traffic
 * to a 4× dearer claude-haiku-4-5). Beyond the ratio the job waits for the primary instead — unless
 * its deferrals are used up, where the fallback is still cheaper than the next tier. Pure.
 */
export interface FallbackCostFacts {
  /** The primary (the tier's first model) was refused or answered 429 in this run only because it cools down. */
  primaryOnlyCooling: boolean;
  /** This call's expected cost on the primary and on the fallback (same prompt and output bound), picodollars. */
  primaryCost: bigint;
  fallbackCost: bigint;
  /** fallback.maxCostRatioWhileCooling from the tiers file. */
  maxCostRatio: number;
  /** The job may still be deferred (its deferrals are not used up). */
  mayDefer: boolean;
}

export type FallbackVerdict = { allowed: true } | { allowed: false; ratio: number };

export function fallbackWhileCooling(facts: FallbackCostFacts): FallbackVerdict {
  if (!facts.primaryOnlyCooling || !facts.mayDefer || facts.primaryCost <= 0n) return { allowed: true };
  // Scaled to a millionth: exact enough for a ratio, and bigint-safe whatever the prices.
  const ratio = Number((facts.fallbackCost * 1_000_000n) / facts.primaryCost) / 1_000_000;
  return ratio > facts.maxCostRatio ? { allowed: false, ratio } : { allowed: true };
}
