import type { JobInput } from "../jobs/job-schema.js";
import type { RoutingRecord } from "../ledger/records.js";
import type { RoutingSignals } from "./routing-decision.js";
import { Featurizer, jobText } from "./trained/featurize.js";
import { encodeFeatures } from "./trained/stored-features.js";

// One per process: the featurizer keeps a scratch array the size of its buckets (262,144 doubles × 3).
let featurizer: Featurizer | undefined;

/**
 * What the ledger keeps of a job for learning: its features under the default featurizer (the
 * one `train --from-ledger` fits and the shipped model uses), whatever classifier routed it, and the
 * text only when `storePrompts` is on.
 */
export function routingRecordOf(requestId: string, job: JobInput, signals: RoutingSignals, storePrompts: boolean): RoutingRecord {
  featurizer ??= new Featurizer();
  const features = encodeFeatures(featurizer.featurize(job, signals));
  return storePrompts ? { requestId, features, prompt: jobText(job) } : { requestId, features };
}
