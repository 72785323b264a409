import type { JobInput } from "../../jobs/job-schema.js";
import type { RoutingSignals } from "../routing-decision.js";

/**
 * Intake signals: cheap, measurable features of a job's text that hint at how hard it is.
 * Pure and fast (one character pass plus two precompiled regex scans over a bounded sample):
 * every job of every batch goes through here before it is queued.
 *
 * Every regex below is compiled once at module load. None has ambiguous repetition (no two
 * quantifiers that can match the same characters in turn), so matching is linear in the text
 * scanned and cannot backtrack catastrophically, whatever the input.
 */

/** Prompts up to this many characters are scanned whole. */
export const SAMPLE_LIMIT_CHARS = 10_240;
/** Larger prompts: the word-level signals look at this many leading characters... */
export const SAMPLE_HEAD_CHARS = 8_192;
/** ...and this many trailing ones (where the actual question of a long prompt usually sits). */
export const SAMPLE_TAIL_CHARS = 2_048;

const SEPARATOR = "\n\n";

/** Words and phrases that ask for reasoning rather than recall. A space matches any run of spaces/tabs. */
const REASONING_TERMS = [
  "prove",
  "proves",
  "proved",
  "proven",
  "proving",
  "proof",
  "proofs",
  "derive",
  "derives",
  "derived",
  "deriving",
  "derivation",
  "derivations",
  "analyze",
  "analyzes",
  "analyzed",
  "analyzing",
  "analyse",
  "analyses",
  "analysed",
  "analysing",
  "analysis",
  "compare",
  "compares",
  "compared",
  "comparing",
  "comparison",
  "comparisons",
  "contrast",
  "contrasts",
  "contrasted",
  "contrasting",
  "trade-off",
  "trade-offs",
  "tradeoff",
  "tradeoffs",
  "trade off",
  "trade offs",
  "explain",
  "explain why",
  "explain how",
  "why",
  "step by step",
  "step-by-step",
  "design",
  "designs",
  "designed",
  "designing",
  "architect",
  "architecture",
  "architectures",
  "optimize",
  "optimizes",
  "optimized",
  "optimizing",
  "optimization",
  "optimizations",
  "optimise",
  "optimises",
  "optimised",
  "optimising",
  "optimisation",
  "optimisations",
  "debug",
  "debugs",
  "debugged",
  "debugging",
  "root cause",
  "root causes",
  "root-cause",
  "implication",
  "implications",
  "consequences",
  "evaluate",
  "evaluates",
  "evaluated",
  "evaluating",
  "evaluation",
  "evaluations",
  "justify",
  "justifies",
  "justified",
  "justifying",
  "justification",
  "reason about",
  "reasoning",
  "critique",
  "assess",
  "assesses",
  "assessed",
  "assessing",
  "assessment",
  "diagnose",
  "diagnoses",
  "diagnosed",
  "diagnosing",
  "diagnosis",
  "refactor",
  "refactors",
  "refactored",
  "refactoring",
  "pros and cons",
  "edge case",
  "edge cases",
  "edge-case",
  "edge-cases",
  "investigate",
  "investigates",
  "investigated",
  "investigating",
  "hypothesis",
  "hypotheses",
  "infer",
  "infers",
  "inferred",
  "inferring",
  "counterexample",
  "counterexamples",
  "counter-example",
  "counter-examples",
  "rigorous",
  "rigorously",
  "in depth",
  "in-depth",
  "think through",
];
/** Explicit requirements the answer must meet (numbered and bulleted items are counted from the lines). */
const CONSTRAINT_TERMS = [
  "must",
  "must not",
  "mustn't",
  "mustn’t",
  "should",
  "should not",
  "shouldn't",
  "shouldn’t",
  "shall",
  "at least",
  "at most",
  "exactly",
  "without",
  "ensure",
  "ensures",
  "ensuring",
  "make sure",
  "require",
  "requires",
  "required",
  "requirement",
  "requirements",
  "do not",
  "don't",
  "don’t",
  "never",
  "always",
  "no more than",
  "no fewer than",
  "no less than",
  "maximum",
  "minimum",
  "strictly",
  "mandatory",
  "limit to",
  "limited to",
  "avoid",
];
/** Math vocabulary (numeric notation is matched separately by MATH_NOTATION). */
const MATH_TERMS = [
  "calculate",
  "calculates",
  "calculated",
  "calculating",
  "calculation",
  "calculations",
  "compute",
  "computes",
  "computed",
  "computing",
  "probability",
  "probabilities",
  "integral",
  "integrals",
  "integrate",
  "integration",
  "derivative",
  "derivatives",
  "differentiate",
  "differentiation",
  "equation",
  "equations",
  "solve",
  "solves",
  "solved",
  "solving",
  "theorem",
  "theorems",
  "lemma",
  "lemmas",
  "matrix",
  "matrices",
  "variance",
  "standard deviation",
  "expected value",
  "sum of",
  "percent",
  "percentage",
  "percentages",
  "logarithm",
  "logarithms",
  "polynomial",
  "polynomials",
  "factorial",
  "modulo",
  "sqrt",
  "square root",
  "square roots",
  "algebra",
  "algebraic",
  "calculus",
  "statistic",
  "statistics",
  "statistical",
  "formula",
  "formulas",
  "quadratic",
  "exponential",
  "geometry",
  "eigenvalue",
  "eigenvalues",
  "eigenvector",
  "eigenvectors",
];

type TermCategory = "reasoning" | "constraint" | "math";

/** Lower-cased phrase (single spaces) → its category. */
const TERM_CATEGORY = new Map<string, TermCategory>();
for (const [terms, category] of [
  [REASONING_TERMS, "reasoning"],
  [CONSTRAINT_TERMS, "constraint"],
  [MATH_TERMS, "math"],
] as const) {
  for (const term of terms) TERM_CATEGORY.set(term, category);
}

interface TrieNode {
  terminal: boolean;
  children: Map<string, TrieNode>;
}

/**
 * A regex source matching any of the phrases, shaped as a trie ("de(?:riv(?:e|es...)|sign...)")
 * rather than a flat list: at each position the engine follows one branch per character instead of
 * trying every phrase, which halves the scan time. Longer phrases win ("explain why" over "explain").
 */
function trieSource(phrases: Iterable<string>): string {
  const root: TrieNode = { terminal: false, children: new Map() };
  for (const phrase of phrases) {
    let node = root;
    for (const char of phrase) {
      let next = node.children.get(char);
      if (!next) {
        next = { terminal: false, children: new Map() };
        node.children.set(char, next);
      }
      node = next;
    }
    node.terminal = true;
  }
  const escape = (char: string) => (char === " " ? "[ \\t]+" : char.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"));
  const emit = (node: TrieNode): string => {
    const branches = [...node.children].map(([char, child]) => escape(char) + emit(child));
    if (branches.length === 0) return "";
    const body = branches.length === 1 ? branches[0]! : `(?:${branches.join("|")})`;
    return node.terminal ? `(?:${body})?` : body;
  };
  return emit(root);
}

/** Every term of every category, in one case-insensitive scan; the category is looked up per match. */
const KEYWORDS = new RegExp(`\\b(?:${trieSource(TERM_CATEGORY.keys())})\\b`, "gi");
const RUN_OF_BLANKS = /[ \t]+/g;

/**
 * Numeric notation: digits joined by an operator ("3 + 4", "2x^2", "n <= 10", "10 - 3", "1 / 4";
 * unspaced minus and slash are left out so dates like 2024-01-05 do not count), powers ("x^2")
 * and math symbols. Every branch starts with a digit, '^' or a symbol, so the scan skips prose fast.
 */
const MATH_NOTATION = /\d[a-z]?[ \t]?[+*×÷^=<>≤≥±][ \t]?[\d(a-z]|\d[ \t][-/][ \t]\d|\^\d|[∑∫√π∞≈≠≤≥∂∆]/g;

/** Line starts that mark a bullet or numbered item: "- ", "* ", "• ", "1. ", "2) ", "a) ", "(iv) ". */
const LIST_ITEM = /(?:[-*+•·–][ \t]|\d{1,3}[.)][ \t]|[a-zA-Z]\)[ \t]|\([0-9a-zA-Z]{1,4}\)[ \t])/y;

/**
 * Line starts that look like source code (case-sensitive: prose starts sentences in upper case).
 * Lines ending in ; { or } are caught separately.
 */
const CODE_LINE_START = new RegExp(
  [
    "(?:def|fn|func|function|class|struct|interface|impl|enum|trait)[ \\t]+[A-Za-z_$][\\w$]*[ \\t]*[(<:{]",
    "(?:const|let|var|val|auto)[ \\t]+[A-Za-z_$][\\w$]*[ \\t]*[=:;]",
    "import[ \\t]+(?:[{*'\"]|[\\w$]+[ \\t]+from\\b|[\\w.]+[ \\t]*(?:;|\\r?$|\\r?\\n))",
    "from[ \\t]+[\\w.]+[ \\t]+import\\b",
    "(?:if|for|while|switch|catch|elif|else[ \\t]+if)[ \\t]*\\(",
    "(?:return|yield|throw|raise|await)[ \\t]+[\\w$.]+\\(",
    "(?:SELECT|select)[ \\t]+(?:\\*|[\\w.]+[ \\t]*,|[\\w.]+[ \\t]+(?:FROM|from)\\b)",
    "(?:INSERT[ \\t]+INTO|DELETE[ \\t]+FROM|CREATE[ \\t]+(?:TABLE|INDEX|VIEW)|ALTER[ \\t]+TABLE)\\b",
    "UPDATE[ \\t]+\\w+[ \\t]+SET\\b",
    "#include\\b|#define\\b|#!/",
    "//|/\\*|\\*/|>>>[ \\t]|\\$[ \\t]+[\\w./-]+",
    "</?[a-zA-Z][\\w-]*(?:[ \\t>/]|\\r?$|\\r?\\n)",
    "[A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*\\(",
  ].join("|"),
  "y",
);

const CH_TAB = 9;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_QUESTION = 63;
const CH_BACKTICK = 96;
const CH_TILDE = 126;
const CH_SEMICOLON = 59;
const CH_OPEN_BRACE = 123;
const CH_CLOSE_BRACE = 125;

/** Non-ASCII whitespace for word splitting: NBSP, the Unicode spaces, line/paragraph separators, BOM. */
function isWideSpace(code: number): boolean {
  return code === 0xa0 || (code >= 0x2000 && code <= 0x200b) || code === 0x2028 || code === 0x2029 || code === 0x3000 || code === 0xfeff;
}

/** ASCII controls and space, then the rarer wide spaces (tested only for non-ASCII characters). */
const isSpace = (code: number) => code <= CH_SPACE || (code >= 0xa0 && isWideSpace(code));

/** Characters that may follow a question mark that ends a question: closing quotes and brackets. */
function closesQuestion(code: number): boolean {
  return (
    code === 34 || // "
    code === 39 || // '
    code === 41 || // )
    code === 93 || // ]
    code === 42 || // * (markdown emphasis)
    code === 95 || // _
    code === 0x201d || // ”
    code === 0x2019 || // ’
    code === 0xbb // »
  );
}

/** The job's text in order: system, then the prompt or each message. */
function textParts(job: JobInput): string[] {
  const parts: string[] = [];
  if (job.system) parts.push(job.system);
  if (job.messages) {
    for (const message of job.messages) parts.push(message.content);
  } else if (job.prompt !== undefined) {
    parts.push(job.prompt);
  }
  return parts;
}

/** The first `count` characters of the parts as if joined by SEPARATOR, without building the whole join. */
function headOf(parts: string[], count: number): string {
  let out = "";
  for (const part of parts) {
    const room = count - out.length;
    if (room <= 0) break;
    out += part.length <= room ? part : part.slice(0, room);
    if (out.length < count) out += SEPARATOR;
  }
  return out;
}

/** The last `count` characters of the parts as if joined by SEPARATOR. */
function tailOf(parts: string[], count: number): string {
  let out = "";
  for (let index = parts.length - 1; index >= 0; index--) {
    const part = parts[index]!;
    const room = count - out.length;
    if (room <= 0) break;
    out = (part.length <= room ? part : part.slice(part.length - room)) + out;
    if (out.length < count && index > 0) out = SEPARATOR + out;
  }
  return out;
}

interface TextCounts {
  words: number;
  questions: number;
  fencedBlocks: number;
  codeRuns: number;
  codeLines: number;
  listItems: number;
  reasoningTerms: number;
  constraintTerms: number;
  mathTerms: number;
}

/** Is offset `at` inside one of the sorted, disjoint [start, end) ranges? `cursor` walks forward with the matches. */
function makeRangeCheck(ranges: number[]): (at: number) => boolean {
  let cursor = 0;
  return (at) => {
    while (cursor < ranges.length && ranges[cursor + 1]! <= at) cursor += 2;
    return cursor < ranges.length && ranges[cursor]! <= at;
  };
}

/** One pass over the lines (fences, lists, code lines, words, questions), then the two keyword scans. */
function countText(text: string): TextCounts {
  const length = text.length;
  let words = 0;
  let questions = 0;
  let fencedBlocks = 0;
  let codeRuns = 0;
  let codeLines = 0;
  let listItems = 0;
  let inFence = false;
  let fenceChar = 0;
  let fenceStart = 0;
  let inCodeRun = false;
  /** [start, end) offsets of fenced code: keyword and math matches there are code, not instructions. */
  const fenced: number[] = [];

  let lineStart = 0;
  while (lineStart <= length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = length;

    // First non-blank character of the line, and the last one.
    let first = lineStart;
    while (first < lineEnd) {
      const code = text.charCodeAt(first);
      if (code !== CH_SPACE && code !== CH_TAB) break;
      first++;
    }
    let last = lineEnd - 1;
    while (last >= first) {
      const code = text.charCodeAt(last);
      if (code !== CH_SPACE && code !== CH_TAB && code !== CH_CR) break;
      last--;
    }
    const blank = first > last;

    const firstCode = blank ? 0 : text.charCodeAt(first);
    const isFence =
      !blank &&
      first - lineStart <= 3 &&
      (firstCode === CH_BACKTICK || firstCode === CH_TILDE) &&
      text.charCodeAt(first + 1) === firstCode &&
      text.charCodeAt(first + 2) === firstCode;

    if (isFence && (!inFence || firstCode === fenceChar)) {
      if (inFence) {
        fenced.push(fenceStart, lineEnd);
        inFence = false;
      } else {
        inFence = true;
        fenceChar = firstCode;
        fenceStart = lineStart;
        fencedBlocks++;
        inCodeRun = false;
      }
    } else if (inFence) {
      if (!blank) codeLines++;
    } else if (!blank) {
      LIST_ITEM.lastIndex = first;
      if (LIST_ITEM.test(text)) listItems++;
      const lastCode = text.charCodeAt(last);
      let looksLikeCode = lastCode === CH_SEMICOLON || lastCode === CH_OPEN_BRACE || lastCode === CH_CLOSE_BRACE;
      if (!looksLikeCode) {
        CODE_LINE_START.lastIndex = first;
        looksLikeCode = CODE_LINE_START.test(text);
      }
      if (looksLikeCode) {
        codeLines++;
        if (!inCodeRun) codeRuns++;
        inCodeRun = true;
      } else {
        inCodeRun = false;
      }
    }

    // Words (runs of non-space) and questions ('?' ending a clause; not a ternary, URL or '?.'), outside fences.
    let inWord = false;
    for (let index = lineStart; index < lineEnd; index++) {
      const code = text.charCodeAt(index);
      if (isSpace(code)) {
        inWord = false;
      } else if (!inWord) {
        // A '?' that starts a word is a ternary or a stray mark ("a ? b : c"), never a question.
        words++;
        inWord = true;
      } else if (code === CH_QUESTION && !inFence) {
        // Counted where the clause ends, so "??" is one question and "?." or "?q=" none.
        const next = index + 1 < length ? text.charCodeAt(index + 1) : CH_SPACE;
        if (isSpace(next) || closesQuestion(next)) questions++;
      }
    }

    lineStart = lineEnd + 1;
  }
  if (inFence) fenced.push(fenceStart, length);

  let reasoningTerms = 0;
  let constraintTerms = 0;
  let mathTerms = 0;
  const inFencedCode = makeRangeCheck(fenced);
  KEYWORDS.lastIndex = 0;
  for (let match = KEYWORDS.exec(text); match !== null; match = KEYWORDS.exec(text)) {
    if (inFencedCode(match.index)) continue;
    const category = TERM_CATEGORY.get(match[0].toLowerCase().replace(RUN_OF_BLANKS, " "));
    if (category === "reasoning") reasoningTerms++;
    else if (category === "constraint") constraintTerms++;
    else if (category === "math") mathTerms++;
  }
  const inFencedMath = makeRangeCheck(fenced);
  MATH_NOTATION.lastIndex = 0;
  for (let match = MATH_NOTATION.exec(text); match !== null; match = MATH_NOTATION.exec(text)) {
    if (!inFencedMath(match.index)) mathTerms++;
  }

  return { words, questions, fencedBlocks, codeRuns, codeLines, listItems, reasoningTerms, constraintTerms, mathTerms };
}

/**
 * The routing signals of one job. `chars` and `estimatedTokens` always cover the whole text;
 * the other counts come from the whole text up to SAMPLE_LIMIT_CHARS, else from its first
 * SAMPLE_HEAD_CHARS and last SAMPLE_TAIL_CHARS characters (words are then scaled up to the full
 * length, since they measure size; the others measure what is asked and are left as counted).
 */
export function extractSignals(job: JobInput): RoutingSignals {
  const parts = textParts(job);
  let chars = 0;
  for (const part of parts) chars += part.length;

  let sample: string;
  let sampledChars: number;
  if (chars <= SAMPLE_LIMIT_CHARS) {
    sample = parts.length === 1 ? parts[0]! : parts.join(SEPARATOR);
    sampledChars = chars;
  } else {
    sample = `${headOf(parts, SAMPLE_HEAD_CHARS)}${SEPARATOR}${tailOf(parts, SAMPLE_TAIL_CHARS)}`;
    sampledChars = SAMPLE_HEAD_CHARS + SAMPLE_TAIL_CHARS;
  }

  const counts = countText(sample);
  const words = sampledChars >= chars ? counts.words : Math.round((counts.words * chars) / sample.length);

  return {
    chars,
    estimatedTokens: Math.ceil(chars / 4),
    words,
    questions: counts.questions,
    codeBlocks: counts.fencedBlocks + counts.codeRuns,
    reasoningTerms: counts.reasoningTerms,
    constraints: counts.constraintTerms + counts.listItems,
    mathTerms: counts.mathTerms,
    turns: job.messages ? job.messages.length : 1,
    codeLines: counts.codeLines,
    sampledChars,
  };
}
