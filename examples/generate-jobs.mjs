#!/usr/bin/env node
// Assembles examples/jobs.jsonl and examples/jobs.csv from the hand-written pieces in examples/sources/.
// No dependencies; deterministic (seeded shuffle), so re-running produces byte-identical files.
//
//   node examples/generate-jobs.mjs
//
// The text lives in sources/*.mjs; this script only adds ids, kinds, labels, schemas, features,
// system prompts, output limits and metadata, then interleaves everything like a real mixed batch.

import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { tickets } from "./sources/tickets.mjs";
import { reviews } from "./sources/reviews.mjs";
import { articles } from "./sources/articles.mjs";
import { threads } from "./sources/threads.mjs";
import { invoices, signatures } from "./sources/extracts.mjs";
import { analysis, codeReviews, legal } from "./sources/hard.mjs";
import { csvTickets } from "./sources/csv-tickets.mjs";

const here = dirname(fileURLToPath(import.meta.url));

// --- deterministic randomness -------------------------------------------------------------
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20250314);
const pick = (items) => items[Math.floor(rand() * items.length)];
function shuffle(items) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
const id = (prefix, n) => `${prefix}-${String(n).padStart(4, "0")}`;

// --- label sets and schemas ------------------------------------------------------------------
export const SUPPORT_LABELS = ["billing", "bug", "feature_request", "account_access", "shipping", "other"];
const SENTIMENT_LABELS = ["positive", "negative", "neutral", "mixed"];

const money = { type: ["number", "null"] };
const INVOICE_SCHEMA = {
  type: "object",
  properties: {
    vendor: { type: "string", description: "the business that issued the document" },
    invoice_number: { type: ["string", "null"], description: "invoice, receipt, folio or despatch number as printed" },
    date: { type: ["string", "null"], description: "issue date, ISO 8601 (YYYY-MM-DD)" },
    total: { ...money, description: "final amount due or charged; null if nothing is payable" },
    currency: { type: ["string", "null"], description: "ISO 4217 code, e.g. GBP" },
    line_items: {
      type: "array",
      items: {
        type: "object",
        properties: {
          description: { type: "string" },
          quantity: { type: ["number", "null"] },
          unit_price: money,
          amount: money,
        },
        required: ["description", "quantity", "unit_price", "amount"],
      },
    },
  },
  required: ["vendor", "invoice_number", "date", "total", "currency", "line_items"],
};

const CONTACT_SCHEMA = {
  type: "object",
  properties: {
    name: { type: "string" },
    title: { type: ["string", "null"], description: "job title; null if not given" },
    company: { type: ["string", "null"] },
    email: { type: ["string", "null"] },
    phone: { type: ["string", "null"], description: "the main or first phone number, as written" },
  },
  required: ["name", "title", "company", "email", "phone"],
};

// --- system prompts (varied on purpose: real producers are not uniform) ----------------------
const NEWS_SYSTEMS = [
  undefined,
  "Write 2-3 sentences for a morning news digest. Keep names, figures and dates exactly as in the article.",
  "Summarise in at most 60 words for a push notification digest. No opinions.",
  "Give a one-line headline, then three short bullet points with the key facts.",
];
const THREAD_SYSTEMS = [
  "Summarise for someone who missed the thread: what happened, what was decided, and who owns each follow-up.",
  "Write a short incident or decision summary with sections: Summary, Impact, Decision, Action items (owner).",
  undefined,
  "Summarise in 3-5 bullet points. Name owners for action items.",
];
const ANALYSIS_SYSTEMS = [
  "You are a careful senior engineer. Reason step by step, state assumptions explicitly, and show all arithmetic.",
  "Answer every numbered part in order. Be rigorous; when a question is ambiguous, say how you interpret it.",
  undefined,
];
const REVIEW_SYSTEM =
  "You are a senior engineer doing a thorough code review. Be specific: quote the offending line, explain the impact, and propose a fix.";

// --- assemble ----------------------------------------------------------------------------------
const jobs = [];
const asTicket = (t) => (typeof t === "string" ? { text: t } : t);

tickets.map(asTicket).forEach((t, i) => {
  jobs.push({
    id: id("ticket", i + 1),
    kind: "classify",
    prompt: t.text.trim(),
    labels: SUPPORT_LABELS,
    feature: "support-triage",
    metadata: {
      channel: t.channel ?? pick(["email", "web_form", "chat", "chat", "email", "app"]),
      plan: pick(["free", "free", "plus", "plus", "team", "none"]),
    },
  });
});

reviews.forEach((r, i) => {
  jobs.push({
    id: id("review", i + 1),
    kind: "classify",
    prompt: r.text.trim(),
    labels: SENTIMENT_LABELS,
    feature: "review-sentiment",
    metadata: { product: r.product, source: r.source },
  });
});

articles.forEach((a, i) => {
  const system = pick(NEWS_SYSTEMS);
  jobs.push({
    id: id("article", i + 1),
    kind: "summarize",
    prompt: a.text.trim(),
    ...(system ? { system } : {}),
    feature: "news-digest",
    maxOutputTokens: 300,
    metadata: { section: a.section },
  });
});

threads.forEach((t, i) => {
  const system = pick(THREAD_SYSTEMS);
  jobs.push({
    id: id("thread", i + 1),
    kind: "summarize",
    prompt: t.text.trim(),
    ...(system ? { system } : {}),
    feature: "thread-summary",
    maxOutputTokens: 400,
    metadata: { source: t.source, channel: t.channel },
  });
});

invoices.forEach((inv, i) => {
  jobs.push({
    id: id("invoice", i + 1),
    kind: "extract",
    prompt: inv.text.trim(),
    schema: INVOICE_SCHEMA,
    feature: "invoice-extraction",
    maxOutputTokens: 800,
    metadata: { document: inv.doc, source: "ap-inbox" },
  });
});

signatures.forEach((s, i) => {
  jobs.push({
    id: id("contact", i + 1),
    kind: "extract",
    prompt: s.trim(),
    ...(i % 3 === 0 ? { system: "The text may contain quoted replies; extract the person who wrote the latest message." } : {}),
    schema: CONTACT_SCHEMA,
    feature: "contact-extraction",
    maxOutputTokens: 300,
    metadata: { source: "crm-enrichment" },
  });
});

analysis.forEach((a, i) => {
  const system = pick(ANALYSIS_SYSTEMS);
  jobs.push({
    id: id("analysis", i + 1),
    kind: "generate",
    prompt: a.text.trim(),
    ...(system ? { system } : {}),
    feature: "analysis",
    maxOutputTokens: 4000,
    metadata: { topic: a.topic },
  });
});

codeReviews.forEach((c, i) => {
  jobs.push({
    id: id("code-review", i + 1),
    kind: "generate",
    prompt: c.text.trim(),
    ...(i % 2 === 0 ? { system: REVIEW_SYSTEM } : {}),
    feature: "code-review",
    maxOutputTokens: 3000,
    metadata: { language: c.lang },
  });
});

legal.forEach((l, i) => {
  jobs.push({
    id: id("clause", i + 1),
    kind: l.kind,
    prompt: l.text.trim(),
    ...(l.schema ? { schema: l.schema } : {}),
    feature: "legal-review",
    maxOutputTokens: 1000,
    metadata: { document: "msa-draft-v3" },
  });
});

const jsonl = shuffle(jobs).map((job) => JSON.stringify(job)).join("\n") + "\n";
writeFileSync(join(here, "jobs.jsonl"), jsonl);

// --- CSV: id,kind,prompt,feature (labels come from the CLI's --labels flag) ------------------
function csvField(value) {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
const csvRows = [["id", "kind", "prompt", "feature"]];
csvTickets.forEach((text, i) => csvRows.push([id("csv-ticket", i + 1), "classify", text.trim(), "support-triage"]));
writeFileSync(join(here, "jobs.csv"), csvRows.map((row) => row.map(csvField).join(",")).join("\n") + "\n");

console.log(`wrote ${jobs.length} jobs to examples/jobs.jsonl and ${csvRows.length - 1} rows to examples/jobs.csv`);
