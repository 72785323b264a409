import type { BatchWaiting } from "../batches/waiting-summary.js";
import { isWaiting } from "../batches/waiting-summary.js";
import { formatDuration } from "../report/query/finish-rate.js";
import { describeBlockedSince, describeWaitingModel } from "../report/render/describe-waiting.js";
import { escapeXml as esc } from "../report/render/svg-charts.js";

/** A running batch's "why are these jobs waiting" block: blocked tiers, busy models (until when) and their deferred jobs. */
export function waitingHtml(waiting: BatchWaiting, nowMs: number): string {
  if (!isWaiting(waiting)) return "";
  const tiers = waiting.blockedTiers
    .map(
      (tier) =>
        `<p class="waiting-tier">tier <b>${esc(tier.tier)}</b> has had ${esc(describeBlockedSince(tier.since, nowMs))}: its queue is paused</p>`,
    )
    .join("");
  const rows = waiting.models
    .map(
      (model) =>
        `<tr data-model="${esc(model.model)}" data-reason="${esc(model.reason)}"><td>${esc(describeWaitingModel(model, nowMs))}</td><td class="n">${model.jobs}</td></tr>`,
    )
    .join("");
  const bound =
    waiting.maxWaitMs && waiting.longestWaitedMs !== undefined
      ? `<p class="muted">a job gives up after ${esc(formatDuration(waiting.maxWaitMs.max))} of waiting (maxWait); the longest has waited ${esc(formatDuration(waiting.longestWaitedMs))}</p>`
      : "";
  return `<div class="waiting"><h3>waiting for busy models: ${waiting.deferredJobs}${waiting.sampled ? "+" : ""} deferred jobs</h3>${tiers}
${rows ? `<table><tr><th>model, why, until when</th><th class="n">jobs waiting on it</th></tr>${rows}</table>` : ""}${bound}</div>`;
}
