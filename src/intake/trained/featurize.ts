import type { JobInput } from "../../jobs/job-schema.js";
import { explainComplexity } from "../heuristic/complexity-score.js";
import { finishHash, HASH_NAME, mixHash } from "./feature-hash.js";
import type { RoutingSignals } from "../routing-decision.js";
import { extractSignals } from "../heuristic/signals.js";

/**
 * Features for the trained router: hashed word unigrams and bigrams, optionally hashed character
 * n-grams inside words, and a few dense "shape" features (the heuristic signals, log-scaled, plus text
 * statistics). Everything is derived from the job's text and kind only — never its id, feature
 * name or source — so a model carries over to work it was not trained on.
 *
 * Hashing (Weinberger et al. 2009): each n-gram's hash picks a bucket in [0, 2^bucketsLog2) and
 * a sign (+1/−1) from its top bit, so collisions cancel in expectation instead of adding up.
 * Each namespace (words, bigrams, chars) is L2-normalised on its own and then scaled by its
 * weight, so a long prompt does not get a larger logit just for having more n-grams.
 *
 * Speed: one pass over at most headChars + tailChars characters, n-grams hashed straight from
 * the character codes (no substrings), counts aggregated in a reusable scratch array. A typical
 * prompt takes tens of microseconds.
 */

export const FEATURIZER_VERSION = 1;

export interface FeaturizerSpec {
  version: typeof FEATURIZER_VERSION;
  hash: typeof HASH_NAME;
  /** log2 of the hashed buckets; 18 → 262,144 weights. */
  bucketsLog2: number;
  /** Word n-gram orders: 1 (unigrams), 2 (bigrams). */
  wordNgrams: number[];
  /** Character n-gram lengths inside words (with a boundary mark each side), inclusive; null: none. */
  charNgrams: { min: number; max: number } | null;
  /** Scale of each namespace after its L2 normalisation. */
  namespaceWeights: { words: number; bigrams: number; chars: number };
  /** Text longer than head + tail is featurised from its first `headChars` and last `tailChars`. */
  headChars: number;
  tailChars: number;
}

/**
 * Words and bigrams, no character n-grams: on the development set, held-out APGR with whole
 * subjects held out was the same with or without them (0.56 either way), and without them a prompt
 * featurises about four times faster. `llm-router train --char-ngrams 3-5` turns them on.
 */
export const DEFAULT_FEATURIZER_SPEC: FeaturizerSpec = {
  version: FEATURIZER_VERSION,
  hash: HASH_NAME,
  bucketsLog2: 18,
  wordNgrams: [1, 2],
  charNgrams: null,
  namespaceWeights: { words: 1, bigrams: 0.7, chars: 1 },
  headChars: 6_144,
  tailChars: 2_048,
};

/** Dense features, in this order; a model file lists the names it was trained with. */
export const DENSE_FEATURES = [
  "log_chars",
  "log_words",
  "log_questions",
  "log_code_blocks",
  "log_reasoning_terms",
  "log_constraints",
  "log_math_terms",
  "log_extra_turns",
  "log_code_lines",
  "digit_share",
  "upper_share",
  "symbol_share",
  "log_numbers",
  "mean_word_length",
  "long_word_share",
  "log_lines",
  "log_option_lines",
  "heuristic_score",
] as const;
export type DenseFeatureName = (typeof DENSE_FEATURES)[number];

/** One job's features: sparse hashed part (indices may repeat across namespaces) and raw dense part. */
export interface JobFeatures {
  indices: Int32Array;
  values: Float32Array;
  /** Raw (unstandardised) dense features in DENSE_FEATURES order. */
  dense: Float64Array;
}

// Namespace seeds: the same n-gram in two namespaces lands in unrelated buckets.
const SEED_WORD = 0x1f3a5c7;
const SEED_NUMBER = 0x2b4d6e8;
const SEED_SYMBOL = 0x3c5e7f9;
const SEED_BIGRAM = 0x4d6f80a;
const SEED_CHAR = 0x5e7091b;
const SEED_KIND = 0x6f81a2c;

const enum CharClass {
  Space,
  Newline,
  Letter,
  Digit,
  Symbol,
}

/** Cheap character classes; anything non-ASCII that is not a known symbol or space counts as a letter. */
function classOf(code: number): CharClass {
  if (code >= 97 && code <= 122) return CharClass.Letter;
  if (code >= 48 && code <= 57) return CharClass.Digit;
  if (code === 10) return CharClass.Newline;
  if (code <= 32) return CharClass.Space;
  if (code < 128) return CharClass.Symbol;
  if (code === 0xa0 || code === 0x3000 || code === 0xfeff || (code >= 0x2000 && code <= 0x200b)) return CharClass.Space;
  // General punctuation, arrows, math operators, technical and box symbols, etc.
  if ((code >= 0x2010 && code <= 0x2bff) || code === 0xd7 || code === 0xf7 || code === 0xb1 || code === 0xb7) return CharClass.Symbol;
  return CharClass.Letter;
}

/** The text the features see: system, then the prompt or each message, as the signals see it. */
export function jobText(job: JobInput): string {
  const parts: string[] = [];
  if (job.system) parts.push(job.system);
  if (job.messages) for (const message of job.messages) parts.push(message.content);
  else if (job.prompt !== undefined) parts.push(job.prompt);
  return parts.length === 1 ? parts[0]! : parts.join("\n\n");
}

/** Aggregates signed counts per bucket for one namespace, then emits its L2-normalised, weighted entries. */
class NamespaceAccumulator {
  private readonly counts: Float64Array;
  private touched: Int32Array;
  private touchedCount = 0;

  constructor(buckets: number) {
    this.counts = new Float64Array(buckets);
    this.touched = new Int32Array(1024);
  }

  add(hash: number, mask: number): void {
    const index = hash & mask;
    const sign = hash & 0x80000000 ? -1 : 1;
    if (this.counts[index] === 0) {
      if (this.touchedCount === this.touched.length) {
        const grown = new Int32Array(this.touched.length * 2);
        grown.set(this.touched);
        this.touched = grown;
      }
      this.touched[this.touchedCount++] = index;
    }
    // A bucket whose signed sum returns to exactly 0 is re-listed on its next hit; flush skips zeros, and the duplicate is harmless.
    this.counts[index]! += sign;
  }

  /** Appends the normalised entries to the output lists and clears the scratch for the next job. */
  flush(weight: number, indices: number[], values: number[]): void {
    let norm = 0;
    for (let k = 0; k < this.touchedCount; k++) {
      const value = this.counts[this.touched[k]!]!;
      norm += value * value;
    }
    const scale = norm > 0 ? weight / Math.sqrt(norm) : 0;
    for (let k = 0; k < this.touchedCount; k++) {
      const index = this.touched[k]!;
      const value = this.counts[index]!;
      if (value !== 0 && scale !== 0) {
        indices.push(index);
        values.push(value * scale);
      }
      this.counts[index] = 0;
    }
    this.touchedCount = 0;
  }
}

/** Numbers in a digit run are shapes, not values: "1987" and "2024" are both a 4-digit number. */
const NUMBER_SHAPE_CAP = 5;

export class Featurizer {
  readonly spec: FeaturizerSpec;
  private readonly mask: number;
  private readonly words: NamespaceAccumulator;
  private readonly bigrams: NamespaceAccumulator;
  private readonly chars: NamespaceAccumulator;
  private readonly useUnigrams: boolean;
  private readonly useBigrams: boolean;
  /** Codes of the current word, padded by a boundary mark each side, for character n-grams. */
  private wordCodes = new Int32Array(256);

  constructor(spec: FeaturizerSpec = DEFAULT_FEATURIZER_SPEC) {
    if (spec.version !== FEATURIZER_VERSION)
      throw new Error(`featurizer version ${spec.version} is not supported (expected ${FEATURIZER_VERSION})`);
    if (spec.hash !== HASH_NAME) throw new Error(`feature hash "${spec.hash}" is not supported (expected ${HASH_NAME})`);
    if (!Number.isInteger(spec.bucketsLog2) || spec.bucketsLog2 < 4 || spec.bucketsLog2 > 24) {
      throw new Error(`bucketsLog2 must be an integer from 4 to 24, got ${spec.bucketsLog2}`);
    }
    this.spec = spec;
    const buckets = 2 ** spec.bucketsLog2;
    this.mask = buckets - 1;
    this.words = new NamespaceAccumulator(buckets);
    this.bigrams = new NamespaceAccumulator(buckets);
    this.chars = new NamespaceAccumulator(buckets);
    this.useUnigrams = spec.wordNgrams.includes(1);
    this.useBigrams = spec.wordNgrams.includes(2);
  }

  get buckets(): number {
    return this.mask + 1;
  }

  /** Features of a job; `signals` may be passed when the caller already extracted them. */
  featurize(job: JobInput, signals: RoutingSignals = extractSignals(job)): JobFeatures {
    const full = jobText(job);
    const { headChars, tailChars } = this.spec;
    const sample = full.length <= headChars + tailChars ? full : `${full.slice(0, headChars)}\n${full.slice(full.length - tailChars)}`;
    const indices: number[] = [];
    const values: number[] = [];
    const stats = this.scan(sample);

    // The kind is a word of its own: a classify job and a generate job with the same text are different work.
    const kindHash = finishHash(mixHash(SEED_KIND, kindCode(job.kind)), 1);
    if (this.useUnigrams) this.words.add(kindHash, this.mask);

    const weights = this.spec.namespaceWeights;
    this.words.flush(weights.words, indices, values);
    this.bigrams.flush(weights.bigrams, indices, values);
    this.chars.flush(weights.chars, indices, values);

    const dense = new Float64Array(DENSE_FEATURES.length);
    const letters = Math.max(1, stats.letters);
    const chars = Math.max(1, sample.length);
    dense[0] = Math.log1p(signals.chars);
    dense[1] = Math.log1p(signals.words);
    dense[2] = Math.log1p(signals.questions);
    dense[3] = Math.log1p(signals.codeBlocks);
    dense[4] = Math.log1p(signals.reasoningTerms);
    dense[5] = Math.log1p(signals.constraints);
    dense[6] = Math.log1p(signals.mathTerms);
    dense[7] = Math.log1p(Math.max(0, signals.turns - 1));
    dense[8] = Math.log1p(signals.codeLines ?? 0);
    dense[9] = stats.digits / chars;
    dense[10] = stats.upper / letters;
    dense[11] = stats.symbols / chars;
    dense[12] = Math.log1p(stats.numbers);
    dense[13] = stats.wordCount > 0 ? stats.letters / stats.wordCount : 0;
    dense[14] = stats.wordCount > 0 ? stats.longWords / stats.wordCount : 0;
    dense[15] = Math.log1p(stats.lines);
    dense[16] = Math.log1p(stats.optionLines);
    dense[17] = explainComplexity(signals, job.kind).score;

    return { indices: Int32Array.from(indices), values: Float32Array.from(values), dense };
  }

  /** One pass: tokens into the word and bigram namespaces, character n-grams of each word, text statistics. */
  private scan(text: string) {
    const mask = this.mask;
    const charRange = this.spec.charNgrams;
    let letters = 0;
    let upper = 0;
    let digits = 0;
    let symbols = 0;
    let numbers = 0;
    let wordCount = 0;
    let longWords = 0;
    let lines = 1;
    let optionLines = 0;
    let previous = 0;
    let havePrevious = false;
    let lineStart = true;

    const emitToken = (hash: number) => {
      if (this.useUnigrams) this.words.add(hash, mask);
      if (this.useBigrams && havePrevious) this.bigrams.add(finishHash(mixHash(mixHash(SEED_BIGRAM, previous), hash), 2), mask);
      previous = hash;
      havePrevious = true;
    };

    const length = text.length;
    let index = 0;
    while (index < length) {
      const raw = text.charCodeAt(index);
      const code = raw >= 65 && raw <= 90 ? raw + 32 : raw < 128 ? raw : lowerCode(raw);
      const kind = classOf(code);
      if (kind === CharClass.Letter) {
        // A word: letters only (a digit or symbol ends it).
        let state = SEED_WORD;
        let wordLength = 0;
        // Option lines: "A." / "B)" / "(c)" at a line start, as in multiple-choice questions.
        if (lineStart && index + 1 < length) {
          const next = text.charCodeAt(index + 1);
          if ((next === 46 || next === 41) && (index + 2 >= length || text.charCodeAt(index + 2) <= 32)) optionLines++;
        }
        while (index < length) {
          const r = text.charCodeAt(index);
          const c = r >= 65 && r <= 90 ? r + 32 : r < 128 ? r : lowerCode(r);
          if (classOf(c) !== CharClass.Letter) break;
          if (r !== c) upper++;
          state = mixHash(state, c);
          if (wordLength + 2 >= this.wordCodes.length) {
            const grown = new Int32Array(this.wordCodes.length * 2);
            grown.set(this.wordCodes);
            this.wordCodes = grown;
          }
          this.wordCodes[wordLength + 1] = c;
          wordLength++;
          index++;
        }
        letters += wordLength;
        wordCount++;
        if (wordLength >= 9) longWords++;
        emitToken(finishHash(state, wordLength));
        if (charRange) this.emitCharNgrams(wordLength, charRange.min, charRange.max);
        lineStart = false;
        continue;
      }
      if (kind === CharClass.Digit) {
        let run = 0;
        while (index < length) {
          const c = text.charCodeAt(index);
          if (c < 48 || c > 57) break;
          run++;
          index++;
        }
        digits += run;
        numbers++;
        emitToken(finishHash(mixHash(SEED_NUMBER, Math.min(run, NUMBER_SHAPE_CAP)), 1));
        lineStart = false;
        continue;
      }
      if (kind === CharClass.Newline) {
        lines++;
        lineStart = true;
        // Line breaks are structure (lists, options, code): a token of their own, one per run.
        if (!(havePrevious && previous === NEWLINE_HASH)) emitToken(NEWLINE_HASH);
      } else if (kind === CharClass.Symbol) {
        symbols++;
        emitToken(finishHash(mixHash(SEED_SYMBOL, code), 1));
        lineStart = false;
      }
      index++;
    }
    return { letters, upper, digits, symbols, numbers, wordCount, longWords, lines, optionLines };
  }

  /** Character n-grams of the word in wordCodes[1..length], with a boundary mark (space) at both ends. */
  private emitCharNgrams(length: number, min: number, max: number): void {
    const codes = this.wordCodes;
    codes[0] = 32;
    codes[length + 1] = 32;
    const padded = length + 2;
    for (let start = 0; start < padded; start++) {
      let state = SEED_CHAR;
      for (let n = 1; n <= max && start + n <= padded; n++) {
        state = mixHash(state, codes[start + n - 1]!);
        if (n >= min) this.chars.add(finishHash(state, n), this.mask);
      }
    }
  }
}

const NEWLINE_HASH = finishHash(mixHash(SEED_SYMBOL, 10), 1);

function lowerCode(code: number): number {
  // Latin-1 and Greek/Cyrillic capitals are the common non-ASCII cases; others are left as they are.
  if ((code >= 0xc0 && code <= 0xde && code !== 0xd7) || (code >= 0x391 && code <= 0x3a9) || (code >= 0x410 && code <= 0x42f)) {
    return code + 32;
  }
  return code;
}

function kindCode(kind: JobInput["kind"]): number {
  switch (kind) {
    case "classify":
      return 1;
    case "summarize":
      return 2;
    case "extract":
      return 3;
    case "generate":
      return 4;
  }
}
