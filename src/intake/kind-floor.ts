import type { RouterConfig } from "../config/router-config-schema.js";
import type { JobKind } from "../jobs/job-schema.js";

/** Where a decision by score (or by the llm) lands once the kind's floor applies. */
export interface FlooredTier {
  /** Index of the tier, 0 = cheapest. */
  index: number;
  /** The floor raised it: `index` is the floor's tier, above the proposed one. */
  raised: boolean;
}

/**
 * The kind-floor rule (`kindFloors`): a kind's jobs never start below its floor tier. Raises a
 * proposed tier index, never lowers it. Rules (a forced tier or model, a feature) are not subject to
 * it; a score and the llm classifier's answer are. The config schema checks the floor names a tier.
 */
export function applyKindFloor(proposed: number, kind: JobKind, config: RouterConfig): FlooredTier {
  const floorName = config.kindFloors[kind];
  if (floorName === undefined) return { index: proposed, raised: false };
  const floor = config.tiers.findIndex((tier) => tier.name === floorName);
  if (floor === -1) {
    throw new Error(`kindFloors.${kind}: unknown tier "${floorName}" (tiers: ${config.tiers.map((tier) => tier.name).join(", ")})`);
  }
  return floor > proposed ? { index: floor, raised: true } : { index: proposed, raised: false };
}

/**
 * The kind-ceiling rule (`kindCeilings`): a score (or the llm classifier) never sends a kind's jobs
 * above its ceiling tier. Lowers a proposed index, never raises it; applied before the floor, so a
 * floor above a ceiling wins (the config schema refuses that pair). Rules are not subject to it.
 */
export function applyKindCeiling(proposed: number, kind: JobKind, config: RouterConfig): { index: number; lowered: boolean } {
  const ceilingName = config.kindCeilings[kind];
  if (ceilingName === undefined) return { index: proposed, lowered: false };
  const ceiling = config.tiers.findIndex((tier) => tier.name === ceilingName);
  if (ceiling === -1) {
    throw new Error(`kindCeilings.${kind}: unknown tier "${ceilingName}" (tiers: ${config.tiers.map((tier) => tier.name).join(", ")})`);
  }
  return ceiling < proposed ? { index: ceiling, lowered: true } : { index: proposed, lowered: false };
}
