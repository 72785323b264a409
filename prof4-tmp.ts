import { NEWS_ARTICLE, CODE_REVIEW } from "./test/unit/routing/fixtures.js";
const flat = (s: string) => JSON.parse(JSON.stringify(s)) as string;
function time(label: string, f: () => unknown, n = 20000) { for (let i = 0; i < 3000; i++) f(); const t = process.hrtime.bigint(); let s: unknown; for (let i = 0; i < n; i++) s = f(); console.log(label.padEnd(24), (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(2), "µs", s); }
const count = (re: RegExp, t: string) => { re.lastIndex = 0; let c = 0; while (re.exec(t)) c++; return c; };
const words = `prove proves proved proven proving proof proofs derive derives derived deriving derivation derivations analyze analyzes analyzed analyzing analyse analyses analysed analysing analysis compare compares compared comparing comparison comparisons contrast contrasts contrasted contrasting trade-off trade-offs tradeoff tradeoffs trade_off_ trade_offs explain explain_why explain_how why step_by_step step-by-step design designs designed designing architect architecture architectures optimize optimizes optimized optimizing optimization optimizations optimise optimises optimised optimising optimisation debug debugs debugged debugging root_cause root_causes root-cause implication implications evaluate evaluates evaluated evaluating evaluation evaluations justify justifies justified justifying justification reason_about reasoning critique assess assesses assessed assessing assessment diagnose diagnoses diagnosed diagnosing diagnosis refactor refactors refactored refactoring pros_and_cons edge_case edge_cases edge-case edge-cases investigate investigates investigated investigating hypothesis hypotheses infer infers inferred inferring counterexample counterexamples rigorous rigorously in_depth in-depth think_through consequences
must must_not mustn't should should_not shouldn't shall at_least at_most exactly without ensure ensures ensuring make_sure require requires required requirement requirements do_not don't never always no_more_than no_fewer_than no_less_than maximum minimum strictly mandatory limit_to limited_to avoid
calculate calculates calculated calculating calculation calculations compute computes computed computing probability probabilities integral integrals integrate integration derivative derivatives differentiate differentiation equation equations solve solves solved solving theorem theorems lemma lemmas matrix matrices variance standard_deviation expected_value sum_of percent percentage percentages logarithm logarithms polynomial polynomials factorial modulo sqrt square_root square_roots algebra algebraic calculus statistic statistics statistical formula formulas quadratic exponential geometry eigenvalue eigenvalues eigenvector eigenvectors`.split(/\s+/).map(w => w.replace(/_$/, "").replace(/_/g, " "));
type Node = { end: boolean; kids: Map<string, Node> };
const root: Node = { end: false, kids: new Map() };
for (const w of words) { let n = root; for (const ch of w) { let k = n.kids.get(ch); if (!k) { k = { end: false, kids: new Map() }; n.kids.set(ch, k); } n = k; } n.end = true; }
const esc = (ch: string) => ch === " " ? "[ \\t]+" : ch.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&");
function emit(n: Node): string {
  const alts = [...n.kids].map(([ch, k]) => esc(ch) + emit(k));
  if (alts.length === 0) return "";
  const inner = alts.length === 1 ? alts[0]! : `(?:${alts.join("|")})`;
  return n.end ? (alts.length === 1 && !inner.startsWith("(?:") ? `(?:${inner})?` : `(?:${inner})?`) : inner;
}
const trie = emit(root);
console.log(trie.length, words.length);
const T1 = new RegExp(`\\b${trie}\\b`, "gi");
const flatAlt = new RegExp(`\\b(?:${[...words].sort((a,b)=>b.length-a.length).map(w=>w.split("").map(esc).join("")).join("|")})\\b`, "gi");
const M1 = /\d[a-z]?[ \t]?[+*×÷^=<>≤≥±][ \t]?[\d(a-z]|\d[ \t][-/][ \t]\d|\b[a-z][ \t]?=[ \t]?-?\d|[a-z]\^\d|[∑∫√π∞≈≠∂∆]/g;
const M4 = /\d[a-z]?[ \t]?[+*×÷^=<>≤≥±][ \t]?[\d(a-z]|\d[ \t][-/][ \t]\d|\^\d|[∑∫√π∞≈≠∂∆]/g;
const Q = /\?+(?=[\s"')\]*_”’»]|$)/g;
const ALL = new RegExp(`\\b(${trie})\\b|${M4.source}`, "gi");
for (const [n, t0] of [["news", NEWS_ARTICLE], ["code", CODE_REVIEW]] as const) {
  const t = flat(t0);
  console.log(n, t.length);
  time("trie", () => count(T1, t)); time("flatAlt", () => count(flatAlt, t));
  time("M1", () => count(M1, t)); time("M4", () => count(M4, t)); time("Q", () => count(Q, t)); time("ALL", () => count(ALL, t));
  time("wordloop", () => { let w = 0, inW = false; for (let i = 0; i < t.length; i++) { const c = t.charCodeAt(i); if (c <= 32) inW = false; else if (!inW) { w++; inW = true; } } return w; });
}
