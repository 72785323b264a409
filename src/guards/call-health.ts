import type { AttemptRecord } from "../ledger/records.js";
import type { CallHealth } from "./model-gate.js";

/** Errors that say the model (or its provider) is unwell, as opposed to this job being unusual. */
const UNHEALTHY = new Set(["server_error", "overloaded", "timeout", "connection", "auth", "not_found"]);

/** What one call says about its model's health. Pure. */
export function callHealth(record: Pick<AttemptRecord, "outcome" | "errorType">): CallHealth {
  // An answer, even a wrong one, proves the model is up.
  if (record.outcome === "ok" || record.outcome === "invalid") return "ok";
  if (record.errorType === "rate_limited") return "rate_limited";
  if (record.errorType && UNHEALTHY.has(record.errorType)) return "failed";
  return "neutral";
}
