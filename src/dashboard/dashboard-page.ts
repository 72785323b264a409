import type { BatchSummary } from "../batches/list-batches.js";
import type { BatchStatus } from "../report/query/batch-status.js";
import { formatDuration } from "../report/query/finish-rate.js";
import { usd } from "../report/render/describe-batch.js";
import { escapeXml as esc } from "../report/render/svg-charts.js";
import { batchMoneyHtml, type BatchMoney } from "./batch-money.js";
import type { BatchWaiting } from "../batches/waiting-summary.js";
import { waitingHtml } from "./waiting-html.js";

export interface DashboardView {
  /** Recent batches, newest first. */
  batches: BatchSummary[];
  /** Progress of the batches shown in detail (the running ones, then the most recent). */
  details: (BatchStatus & { money?: BatchMoney; waiting?: BatchWaiting })[];
  generatedAt: Date;
  /** Where the dashboard is mounted ("" at the root): every link is under it. */
  basePath: string;
  /** Seconds between reloads. Default 5. */
  refreshSeconds?: number;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:baseline}
header h1{font-size:18px;margin:0}header a{color:#9cc3ff}main{padding:16px 24px}
.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:14px 16px;margin-bottom:14px}
.card h2{font-size:15px;margin:0 0 6px}.muted{color:#667085}.bar{height:12px;background:#e7eaf0;border-radius:6px;overflow:hidden;display:flex}
.bar span{display:block;height:100%}.ok{background:#2e9e5b}.failed{background:#d64545}.cancelled{background:#a0a7b4}
.grid{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:8px;margin:10px 0}.grid div b{display:block;font-size:16px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eceff3}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.tag{font-size:12px;padding:1px 6px;border-radius:9px;background:#eef1f6}.budget.paused b{color:#b42318}`;

const pct = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);

function progressBar(status: BatchStatus): string {
  const segment = (count: number, cls: string) =>
    count > 0 ? `<span class="${cls}" style="width:${pct(count, status.jobs).toFixed(2)}%"></span>` : "";
  return `<div class="bar" title="${status.finished} of ${status.jobs} ended">${segment(status.succeeded, "ok")}${segment(status.failed, "failed")}${segment(status.cancelled, "cancelled")}</div>`;
}

function detailCard(status: BatchStatus & { money?: BatchMoney; waiting?: BatchWaiting }, basePath: string, nowMs: number): string {
  const state = status.cancelledAt ? "cancelled" : status.done ? "done" : "running";
  const eta = status.done ? "done" : status.etaMs === null ? "unknown" : formatDuration(status.etaMs);
  const tiers = status.byTier
    .map(
      (tier) =>
        `<tr><td>${esc(tier.tier)}</td><td class="n">${tier.calls}</td><td class="n">${tier.failedCalls}</td><td class="n">${esc(usd(tier.costUsd))}</td><td class="n">${tier.requestsEnded}</td></tr>`,
    )
    .join("");
  const failures = status.failureReasons
    .map((failure) => `<tr><td class="n">${failure.requests}</td><td>${esc(failure.reason)}</td></tr>`)
    .join("");
  return `<section class="card" data-batch="${esc(status.id)}">
<h2>${esc(status.name)} <span class="tag">${state}</span> <span class="muted">${esc(status.id)}</span></h2>
${progressBar(status)}
<div class="grid">
<div><span class="muted">ended</span><b>${status.finished} / ${status.jobs} (${pct(status.finished, status.jobs).toFixed(1)}%)</b></div>
<div><span class="muted">succeeded · failed · cancelled</span><b>${status.succeeded} · ${status.failed} · ${status.cancelled}</b></div>
<div><span class="muted">throughput · ETA</span><b>${status.finishRatePerSecond ?? 0}/s · ${eta}</b></div>
<div><span class="muted">cost so far · top-tier baseline</span><b>${esc(usd(status.costSoFarUsd))} · ${esc(usd(status.baselineCostUsd))}</b></div>
</div>
${status.money ? batchMoneyHtml(status.money) : ""}
${status.waiting ? waitingHtml(status.waiting, nowMs) : ""}
${tiers ? `<table><tr><th>tier</th><th class="n">calls</th><th class="n">failed calls</th><th class="n">cost</th><th class="n">requests ended there</th></tr>${tiers}</table>` : ""}
${failures ? `<h3>top failure reasons</h3><table><tr><th class="n">requests</th><th>reason</th></tr>${failures}</table>` : ""}
<p><a href="${esc(basePath)}/batches/${encodeURIComponent(status.id)}/report">HTML report</a></p>
</section>`;
}

/** The live page: one self-contained HTML document (inline style, no script, nothing from the network). */
export function renderDashboardPage(view: DashboardView): string {
  const rows = view.batches
    .map(
      (
        batch,
      ) => `<tr><td>${esc(batch.name)}<br><span class="muted">${esc(batch.id)}</span></td><td>${esc(batch.createdAt.slice(0, 19))}</td>
<td class="n">${batch.jobs}</td><td class="n">${batch.succeeded}</td><td class="n">${batch.failed}</td><td class="n">${batch.cancelled}</td><td class="n">${batch.queued}</td>
<td class="n">${esc(usd(batch.costUsd))}</td><td class="n">${esc(usd(batch.baselineCostUsd))}</td>
<td><a href="${esc(view.basePath)}/batches/${encodeURIComponent(batch.id)}/report">report</a></td></tr>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${view.refreshSeconds ?? 5}">
<title>llm-router dashboard</title><style>${STYLE}</style></head><body>
<header><h1>llm-router</h1><span>batches</span><a href="${esc(view.basePath)}/queues/">queues (Bull Board)</a><span class="muted">updated ${esc(view.generatedAt.toISOString())}</span></header>
<main>
${view.details.map((status) => detailCard(status, view.basePath, view.generatedAt.getTime())).join("\n") || '<p class="muted">No batches yet.</p>'}
<section class="card"><h2>recent batches</h2><table><tr><th>batch</th><th>created</th><th class="n">jobs</th><th class="n">succeeded</th><th class="n">failed</th><th class="n">cancelled</th><th class="n">queued</th><th class="n">cost</th><th class="n">baseline</th><th></th></tr>${rows}</table></section>
</main></body></html>`;
}
