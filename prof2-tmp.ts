import { CODE_REVIEW, NEWS_ARTICLE } from "./test/unit/routing/fixtures.js";
const flat = (s: string) => JSON.parse(JSON.stringify(s)) as string;
const src = await import("node:fs").then(fs => fs.readFileSync("src/routing/signals.ts", "utf8"));
function time(label: string, f: () => unknown, n = 20000) { for (let i = 0; i < 3000; i++) f(); const t = process.hrtime.bigint(); let s: unknown; for (let i = 0; i < n; i++) s = f(); console.log(label.padEnd(20), (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(2), "µs", s); }
// reconstruct regexes by importing module internals via eval of strings is messy; copy them:
const mod = await import("./src/routing/signals.js");
const text = flat(NEWS_ARTICLE), code = flat(CODE_REVIEW);
const M = /\d[a-z]?[ \t]?[+*×÷^=<>≤≥±][ \t]?[\d(a-z]|\d[ \t][-/][ \t]\d|\b[a-z][ \t]?=[ \t]?-?\d|[a-z]\^\d|[∑∫√π∞≈≠∂∆]/g;
const count = (re: RegExp, t: string) => { re.lastIndex = 0; let c = 0; while (re.exec(t)) c++; return c; };
const REASON = /\b(?:(prov(?:e|es|ed|en|ing)|proofs?|deriv(?:e|es|ed|ing|ation|ations)|analy[sz](?:e|es|ed|ing|is)|analyses|compar(?:e|es|ed|ing|ison|isons)|contrast(?:s|ed|ing)?|trade[- ]?offs?|explain(?:[ \t]+(?:why|how))?|why|step[- ]by[- ]step|design(?:s|ed|ing)?|architect(?:ure|ures|ing)?|optimi[sz](?:e|es|ed|ing|ation|ations)|debug(?:s|ged|ging)?|root[- ]causes?|implications?|evaluat(?:e|es|ed|ing|ion|ions)|justif(?:y|ies|ied|ying|ication)|reason(?:ing|[ \t]+about)|critique|assess(?:es|ed|ing|ment)?|diagnos(?:e|es|ed|ing|is)|refactor(?:s|ed|ing)?|pros[ \t]+and[ \t]+cons|edge[- ]cases?|investigat(?:e|es|ed|ing)|hypothes[ie]s|infer(?:s|red|ring)?|counter-?examples?|rigorous(?:ly)?|in[ \t]+depth|think[ \t]+through|consequences))\b/gi;
for (const [n, t] of [["news", text], ["code", code]] as const) {
  console.log(n, t.length);
  time("extract", () => mod.extractSignals({ kind: "generate", prompt: t }).words);
  time("math", () => count(M, t));
  time("reason-only", () => count(REASON, t));
  time("match \\S+", () => t.match(/\S+/g)!.length);
  time("split", () => t.split(/\s+/).length);
  time("split space", () => t.split(" ").length);
  time("replace nonspace", () => t.replace(/\S+/g, "").length);
  time("replace keep ws-start", () => t.length - t.replace(/\s+/g, "").length);
}
