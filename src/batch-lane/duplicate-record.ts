import { createHash } from "node:crypto";
import type { AttemptRecord } from "../ledger/records.js";
import type { LaneItem } from "../tiers/batch-lane-hook.js";
import type { BatchResultLine } from "./batch-provider.js";
import { itemRecord, type ItemContext } from "./item-record.js";

/** The error_type of an item the provider billed in a duplicate provider batch. */
export const DUPLICATE_SUBMISSION = "duplicate_submission";

/** A stable uuid per (duplicate, custom_id): a re-ingest of the same duplicate conflicts and inserts nothing. */
function duplicateAttemptId(duplicateId: string, customId: string): string {
  const hex = createHash("sha1").update(`${duplicateId}:${customId}`).digest("hex");
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * One line of a duplicate provider batch → the row that accounts for it, or undefined when the
 * provider billed nothing for it (an error, expired or canceled item). The row is the item's call
 * made a second time: its own id, the item's request and attempt no, outcome `error` with
 * `error_type = 'duplicate_submission'` (it answers nothing: the request ends by its submission's
 * result alone), cost at the batch rate as billed, and no real-time counterpart (its cost is pure
 * loss: the report's batch saving is lower by it). Pure.
 */
export function duplicateRecord(item: LaneItem, line: BatchResultLine, context: ItemContext): AttemptRecord | undefined {
  if (line.kind !== "answer") return undefined;
  const { record } = itemRecord(item, line, context);
  return {
    ...record,
    id: duplicateAttemptId(context.submissionId, line.customId),
    outcome: "error",
    errorType: DUPLICATE_SUBMISSION,
    batch: { providerBatchId: context.submissionId, realtimeCost: 0n },
  };
}
