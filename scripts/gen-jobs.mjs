#!/usr/bin/env node
// A large job file with a realistic mix of kinds (like examples/jobs.jsonl, ~500 bytes a job on
// average), for enqueue and end-to-end measurements. Deterministic for a seed. Write it to /tmp,
// never into the repository: 1,000,000 lines is ~500 MB.
//
//   node scripts/gen-jobs.mjs --lines 1000000 --out /tmp/jobs-1m.jsonl
//     [--format jsonl|csv|json]  (default: from --out's extension, else jsonl)
//     [--seed 1]                 different seeds give different prompts (and content hashes)
//     [--id-prefix gen]          ids are <prefix>-<n>; --no-ids leaves them out
//     [--bad-every 0]            every Nth line is broken (alternately bad JSON and a bad job)
//
// Mix: 62% classify (support tickets, reviews: shared label sets), 15% summarize (threads, ~1 KB),
// 12% extract (invoices with a shared schema), 11% generate (short writing tasks with a system).
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { extname } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    lines: { type: "string", default: "50000" },
    out: { type: "string" },
    format: { type: "string" },
    seed: { type: "string", default: "1" },
    "id-prefix": { type: "string", default: "gen" },
    "no-ids": { type: "boolean", default: false },
    "bad-every": { type: "string", default: "0" },
  },
});
if (!values.out) {
  process.stderr.write(
    "usage: node scripts/gen-jobs.mjs --lines N --out /tmp/FILE.jsonl [--format jsonl|csv|json] [--seed S] [--bad-every N]\n",
  );
  process.exit(2);
}
const lines = Number(values.lines);
const badEvery = Number(values["bad-every"]);
const ext = extname(values.out).slice(1);
const format = values.format ?? (["csv", "json"].includes(ext) ? ext : "jsonl");

// mulberry32: small, fast, seeded.
let state = Number(values.seed) >>> 0 || 1;
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const WORDS =
  "order invoice refund account login password shipping delay parcel broken screen battery charger subscription plan seat team api error timeout export report dashboard sensor reading alert email support weekend customer price discount renewal contract".split(
    " ",
  );
const words = (n) => Array.from({ length: n }, () => pick(WORDS)).join(" ");
const PEOPLE = ["oona", "raj", "lena", "tobias", "mia", "sam", "ines", "kofi"];

const TICKET_LABELS = ["billing", "bug", "feature_request", "account_access", "shipping", "other"];
const REVIEW_LABELS = ["positive", "negative", "neutral", "mixed"];
const INVOICE_SCHEMA = {
  type: "object",
  properties: {
    vendor: { type: "string" },
    invoice_number: { type: ["string", "null"] },
    date: { type: ["string", "null"], description: "ISO 8601" },
    total: { type: ["number", "null"] },
    currency: { type: ["string", "null"] },
  },
  required: ["vendor", "invoice_number", "date", "total", "currency"],
};

function job(n) {
  const r = random();
  if (r < 0.42) {
    return {
      kind: "classify",
      prompt: `Hi, ${words(8 + Math.floor(random() * 30))}. Order #A-${10000 + n}. ${words(5 + Math.floor(random() * 15))}?`,
      labels: TICKET_LABELS,
      feature: "support-triage",
      metadata: { channel: pick(["email", "app", "chat"]), plan: pick(["free", "plus", "team"]) },
    };
  }
  if (r < 0.62) {
    return {
      kind: "classify",
      prompt: `${words(6 + Math.floor(random() * 25))}. ${pick(["Love it.", "Returned it.", "Fine, I guess.", "Mixed feelings."])}`,
      labels: REVIEW_LABELS,
      feature: "review-sentiment",
      metadata: { product: `SKU-${n % 500}`, source: "retailer" },
    };
  }
  if (r < 0.77) {
    const turns = 6 + Math.floor(random() * 8);
    const thread = Array.from(
      { length: turns },
      (_, i) => `[10:${String(i).padStart(2, "0")}] ${pick(PEOPLE)}: ${words(5 + Math.floor(random() * 12))}`,
    );
    return { kind: "summarize", prompt: `#channel-${n % 40}\n${thread.join("\n")}`, feature: "thread-summary", maxOutputTokens: 300 };
  }
  if (r < 0.89) {
    return {
      kind: "extract",
      prompt: `INVOICE\nVendor ${pick(PEOPLE)} Supply Ltd\nInvoice No: INV-${n}\nDate: 2026-0${1 + (n % 9)}-1${n % 10}\n${words(10)}\nTOTAL £${(random() * 900).toFixed(2)}`,
      schema: INVOICE_SCHEMA,
      feature: "invoice-extraction",
      maxOutputTokens: 400,
    };
  }
  return {
    kind: "generate",
    system: "You write short, friendly product copy for a hardware shop.",
    prompt: `Write two sentences for a product page about: ${words(8 + Math.floor(random() * 12))}.`,
    feature: "copywriting",
    maxOutputTokens: 200,
  };
}

function line(n) {
  const entry = job(n);
  if (!values["no-ids"]) entry.id = `${values["id-prefix"]}-${n}`;
  if (badEvery > 0 && n % badEvery === 0) {
    if ((n / badEvery) % 2 === 1) return { text: `{"kind":"classify","prompt":"broken line ${n}"`, entry };
    return { text: JSON.stringify({ ...entry, kind: "translate" }), entry: { ...entry, kind: "translate" } };
  }
  return { text: JSON.stringify(entry), entry };
}

const csvCell = (value) => {
  if (value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};
const CSV_COLUMNS = ["id", "kind", "prompt", "system", "labels", "feature", "schema", "maxOutputTokens"];

const out = createWriteStream(values.out);
let bytes = 0;
async function write(text) {
  bytes += Buffer.byteLength(text);
  if (!out.write(text)) await once(out, "drain");
}
if (format === "csv") await write(`${CSV_COLUMNS.join(",")}\n`);
if (format === "json") await write("[\n");
for (let n = 1; n <= lines; n++) {
  const { text, entry } = line(n);
  if (format === "csv") {
    const row = CSV_COLUMNS.map((column) => (column === "labels" && entry.labels ? entry.labels.join("|") : csvCell(entry[column])));
    await write(`${row.join(",")}\n`);
  } else if (format === "json") await write(`${text}${n < lines ? "," : ""}\n`);
  else await write(`${text}\n`);
}
if (format === "json") await write("]\n");
out.end();
await once(out, "finish");
process.stderr.write(`wrote ${lines} jobs (${format}) to ${values.out}: ${bytes} bytes, ${Math.round(bytes / lines)} bytes a job\n`);
