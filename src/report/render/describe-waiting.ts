import { isWaiting, type BatchWaiting, type WaitReason } from "../../batches/waiting-summary.js";
import { formatDuration } from "../query/finish-rate.js";

const REASON_TEXT: Record<WaitReason, string> = {
  cooling_down: "cooling down",
  circuit_open: "circuit open",
  half_open: "circuit half open (one probe call decides)",
  rpm_limit: "at its requests-per-minute limit",
  tpm_limit: "at its tokens-per-minute limit",
};

/** "claude-opus-4-7 circuit open until 09:12:30Z (in 25s)". */
export function describeWaitingModel(model: { model: string; reason: WaitReason; until?: string }, nowMs: number): string {
  const until =
    model.until === undefined ? "" : ` until ${model.until.slice(11, 19)}Z (in ${formatDuration(Date.parse(model.until) - nowMs)})`;
  return `${model.model} ${REASON_TEXT[model.reason]}${until}`;
}

/** "no usable model since 09:14:38Z (12s)": a blocked tier's mark, said the same by `batch ID` and the dashboard. */
export function describeBlockedSince(since: string, nowMs: number): string {
  return `no usable model since ${since.slice(11, 19)}Z (${formatDuration(nowMs - Date.parse(since))})`;
}

/** The `batch ID` lines saying why its queued jobs wait; none when nothing waits. */
export function describeWaiting(waiting: BatchWaiting, nowMs: number): string[] {
  const lines: string[] = [];
  if (!isWaiting(waiting)) return lines;
  const jobs = waiting.deferredJobs;
  lines.push(
    jobs > 0
      ? `waiting for busy models: ${jobs}${waiting.sampled ? "+" : ""} deferred job${jobs === 1 ? "" : "s"}`
      : "waiting for busy models: no job of this batch deferred yet",
  );
  for (const tier of waiting.blockedTiers) {
    lines.push(`  tier ${tier.tier} has had ${describeBlockedSince(tier.since, nowMs)}: its queue is paused, its jobs held`);
  }
  for (const model of waiting.models) {
    lines.push(`  ${describeWaitingModel(model, nowMs)}: ${model.jobs} job${model.jobs === 1 ? "" : "s"} waiting on it`);
  }
  if (waiting.maxWaitMs && waiting.longestWaitedMs !== undefined) {
    const { min, max } = waiting.maxWaitMs;
    const bound = min === max ? formatDuration(min) : `${formatDuration(min)} to ${formatDuration(max)}`;
    lines.push(
      `  a job gives up waiting after ${bound} (maxWait), then escalates or fails; the longest has waited ${formatDuration(waiting.longestWaitedMs)}`,
    );
  }
  return lines;
}
