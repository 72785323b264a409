import { classifyJob } from "./src/routing/index.js";
import { loadDefaultConfig, TICKET, CODE_REVIEW, NEWS_ARTICLE } from "./test/unit/routing/fixtures.js";
import type { JobInput } from "./src/jobs/job-schema.js";
const config = loadDefaultConfig();
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
const sentences = NEWS_ARTICLE.split(/(?<=\.) /);
const tickets = ["Why was I charged twice this month?", "The app crashes when I upload a photo from my gallery.", "Please cancel my subscription effective immediately.", "How do I change the email on my account? I tried settings but it fails.", TICKET];
function makeJob(i: number): JobInput {
  const r = rnd();
  if (r < 0.35) return { kind: "classify", prompt: `${pick(tickets)} ${pick(tickets)} (ref #${i})`, labels: ["billing", "bug", "account", "other"] };
  if (r < 0.6) { const n = 8 + Math.floor(rnd() * 30); return { kind: "summarize", prompt: Array.from({ length: n }, () => pick(sentences)).join(" ") }; }
  if (r < 0.75) return { kind: "extract", prompt: `Invoice ${i} from ACME Corp, total 1,234.50 EUR, due 2025-03-01. ${Array.from({ length: 5 }, () => pick(sentences)).join(" ")}`, schema: { required: ["vendor", "total"] } };
  if (r < 0.9) return { kind: "generate", prompt: CODE_REVIEW.replace("billing", `billing-${i}`) + "\n" + Array.from({ length: Math.floor(rnd() * 10) }, () => pick(sentences)).join(" ") };
  return { kind: "generate", system: "You are a helpful assistant. Answer concisely.", messages: [{ role: "user", content: pick(tickets) }, { role: "assistant", content: pick(sentences) + " " + pick(sentences) }, { role: "user", content: `Can you compare that with option ${i % 7}? Explain why, step by step.` }] };
}
const jobs = Array.from({ length: 20_000 }, (_, i) => makeJob(i));
const avgChars = jobs.reduce((a, j) => a + (j.prompt?.length ?? j.messages!.reduce((s, m) => s + m.content.length, 0)), 0) / jobs.length;
for (let w = 0; w < 3; w++) for (const j of jobs) classifyJob(j, config);
const times = new Float64Array(jobs.length);
let sink = 0;
for (let i = 0; i < jobs.length; i++) { const t0 = process.hrtime.bigint(); sink += classifyJob(jobs[i]!, config).score; times[i] = Number(process.hrtime.bigint() - t0) / 1000; }
times.sort();
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
console.log(`jobs ${jobs.length}, avg prompt ${avgChars.toFixed(0)} chars: p50 ${q(0.5)} µs, p90 ${q(0.9)} µs, p99 ${q(0.99)} µs, max ${times[times.length-1]!.toFixed(1)} µs`);
const tiers: Record<string, number> = {}; for (const j of jobs) { const t = classifyJob(j, config).tier; tiers[t] = (tiers[t] ?? 0) + 1; } console.log(tiers, sink > 0);
const big = { kind: "summarize" as const, prompt: "lorem ipsum dolor sit amet? ".repeat(72_000) };
const tb = process.hrtime.bigint(); const d = classifyJob(big, config); console.log("2MB:", Number(process.hrtime.bigint() - tb) / 1000, "µs", d.reason);
