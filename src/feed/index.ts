export { startFeeder, type Feeder, type FeederDeps, type FeedTick } from "./feeder.js";
export { recoverLostJobs, type RecoveryReport } from "./recover-lost.js";
export { applyTierLimits, checkTierLimits } from "./reassert-limits.js";
export { reestablishTierLimits } from "./reestablish-limits.js";
export { windowRoom } from "./window-room.js";
