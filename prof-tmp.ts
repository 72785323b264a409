import { CODE_REVIEW, NEWS_ARTICLE } from "./test/unit/routing/fixtures.js";
import { extractSignals } from "./src/routing/signals.js";
const flat = (s: string) => JSON.parse(JSON.stringify(s)) as string;
const texts = { code: flat(CODE_REVIEW + "\n" + NEWS_ARTICLE.slice(0, 1500)), news: flat(NEWS_ARTICLE), ticket: flat("How do I change the email on my account? I tried settings but it fails.") };
const KW = (await import("./src/routing/signals.js")) as any;
function time(label: string, f: () => unknown, n = 20000) { for (let i = 0; i < 2000; i++) f(); const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) f(); console.log(label, (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(2), "µs"); }
for (const [name, text] of Object.entries(texts)) {
  console.log(name, text.length);
  time("extractSignals", () => extractSignals({ kind: "generate", prompt: text }));
  const re1 = /\b(?:(prov(?:e|es|ed|en|ing)|why)|(must))\b/gi;
  time("tiny regex", () => { re1.lastIndex = 0; let c = 0; while (re1.exec(text)) c++; return c; });
  time("loop indexOf", () => { let c = 0; for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) <= 32) c++; return c; });
}
