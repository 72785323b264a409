import { NEWS_ARTICLE, CODE_REVIEW } from "./test/unit/routing/fixtures.js";
import { REASONING, CONSTRAINTS, MATH_WORDS } from "./src/routing/signals.js";
const flat = (s: string) => JSON.parse(JSON.stringify(s)) as string;
function time(label: string, f: () => unknown, n = 20000) { for (let i = 0; i < 3000; i++) f(); const t = process.hrtime.bigint(); let s: unknown; for (let i = 0; i < n; i++) s = f(); console.log(label.padEnd(24), (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(2), "µs", s); }
const count = (re: RegExp, t: string) => { re.lastIndex = 0; let c = 0; while (re.exec(t)) c++; return c; };
const body = `(?:(${REASONING})|(${CONSTRAINTS})|(${MATH_WORDS}))`;
const variants: Record<string, RegExp> = {
  gi: new RegExp(`\\b${body}\\b`, "gi"),
  g_lower: new RegExp(`\\b${body}\\b`, "g"),
  lookbehind: new RegExp(`(?<![\\w])${body}\\b`, "gi"),
  lookbehind_lower: new RegExp(`(?<![\\w])${body}\\b`, "g"),
  lookahead_letter: new RegExp(`\\b(?=[a-z])${body}\\b`, "gi"),
};
const M1 = /\d[a-z]?[ \t]?[+*×÷^=<>≤≥±][ \t]?[\d(a-z]|\d[ \t][-/][ \t]\d|\b[a-z][ \t]?=[ \t]?-?\d|[a-z]\^\d|[∑∫√π∞≈≠∂∆]/g;
const M2 = /(?<=\d[a-z]?[ \t]?)[+*×÷^=<>≤≥±](?=[ \t]?[\d(a-z])|(?<=\d[ \t])[-/](?=[ \t]\d)|(?<=\b[a-z][ \t]?)=(?=[ \t]?-?\d)|(?<=[a-z])\^(?=\d)|[∑∫√π∞≈≠∂∆]/g;
const M3 = /[+*×÷^=<>≤≥±\/∑∫√π∞≈≠∂∆-]/g;
for (const [n, t0] of [["news", NEWS_ARTICLE], ["code", CODE_REVIEW]] as const) {
  const t = flat(t0);
  console.log(n, t.length);
  time("toLowerCase", () => t.toLowerCase().length);
  for (const [k, re] of Object.entries(variants)) { const tt = k.includes("lower") ? t.toLowerCase() : t; time(k, () => count(re, tt)); }
  time("lower+g", () => count(variants.g_lower!, t.toLowerCase()));
  time("M1", () => count(M1, t)); time("M2", () => count(M2, t)); time("M3 ops", () => count(M3, t));
}
