import { describe, expect, it } from "vitest";
import type { JobInput } from "../../../src/jobs/job-schema.js";
import { finishHash, hashString, mixHash } from "../../../src/intake/trained/feature-hash.js";
import { DEFAULT_FEATURIZER_SPEC, DENSE_FEATURES, Featurizer, type FeaturizerSpec } from "../../../src/intake/trained/featurize.js";
import { extractSignals } from "../../../src/intake/heuristic/signals.js";

const job = (prompt: string, extra: Partial<JobInput> = {}): JobInput => ({ kind: "generate", prompt, ...extra });

/** Sparse features as a bucket → value map (entries with the same bucket add up). */
function sparse(features: { indices: Int32Array; values: Float32Array }): Map<number, number> {
  const map = new Map<number, number>();
  features.indices.forEach((index, k) => map.set(index, (map.get(index) ?? 0) + features.values[k]!));
  return map;
}

const spec = (overrides: Partial<FeaturizerSpec>): FeaturizerSpec => ({ ...DEFAULT_FEATURIZER_SPEC, ...overrides });

describe("feature hash", () => {
  it("is a fixed function: trained models depend on these exact values", () => {
    expect(hashString("", 0)).toBe(0);
    expect(hashString("abc", 0)).toBe(3445827480);
    expect(hashString("routing", 42)).toBe(3348734014);
  });

  it("hashing code by code equals hashing the string", () => {
    let state = 7;
    for (const char of "n-gram") state = mixHash(state, char.charCodeAt(0));
    expect(finishHash(state, 6)).toBe(hashString("n-gram", 7));
  });

  it("spreads similar strings over the buckets", () => {
    const buckets = new Set(Array.from({ length: 1000 }, (_, index) => hashString(`word${index}`, 1) & 1023));
    // 1000 keys into 1024 buckets: a fair hash fills about 63% of them.
    expect(buckets.size).toBeGreaterThan(580);
  });
});

describe("Featurizer", () => {
  const featurizer = new Featurizer();

  it("is deterministic and uses every dense feature", () => {
    const a = featurizer.featurize(job("How many apples are left if Sam eats 3 of 12?"));
    const b = featurizer.featurize(job("How many apples are left if Sam eats 3 of 12?"));
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(a.dense).toHaveLength(DENSE_FEATURES.length);
    expect(Array.from(a.dense)).toEqual(Array.from(b.dense));
  });

  it("L2-normalises each namespace to its weight", () => {
    const unigrams = new Featurizer(spec({ wordNgrams: [1], charNgrams: null, namespaceWeights: { words: 2, bigrams: 0, chars: 0 } }));
    const features = unigrams.featurize(job("the cat sat on the mat with the other cat"));
    const norm = Math.sqrt([...sparse(features).values()].reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(2, 5);
  });

  it("ignores case and sees numbers as shapes, not values", () => {
    const a = featurizer.featurize(job("In 1987 the Treaty was signed"));
    const b = featurizer.featurize(job("in 2024 the treaty was SIGNED"));
    expect(sparse(a)).toEqual(sparse(b));
    expect(sparse(featurizer.featurize(job("costs 12 dollars")))).not.toEqual(sparse(featurizer.featurize(job("costs 1234 dollars"))));
  });

  it("word order matters through bigrams", () => {
    const a = sparse(featurizer.featurize(job("dog bites man")));
    const b = sparse(featurizer.featurize(job("man bites dog")));
    expect(a).not.toEqual(b);
    const unigramsOnly = new Featurizer(spec({ wordNgrams: [1] }));
    expect(sparse(unigramsOnly.featurize(job("dog bites man")))).toEqual(sparse(unigramsOnly.featurize(job("man bites dog"))));
  });

  it("never looks at the id, feature or metadata — only the text and the kind", () => {
    const plain = featurizer.featurize(job("Summarise the quarterly report"));
    const tagged = featurizer.featurize(
      job("Summarise the quarterly report", { id: "mmlu-law-001", feature: "legal", metadata: { source: "mmlu" } }),
    );
    expect(sparse(tagged)).toEqual(sparse(plain));
    expect(Array.from(tagged.dense)).toEqual(Array.from(plain.dense));
    const asSummary = featurizer.featurize({ kind: "summarize", prompt: "Summarise the quarterly report" });
    expect(sparse(asSummary)).not.toEqual(sparse(plain));
  });

  it("character n-grams, when on, link related words", () => {
    const chars = new Featurizer(spec({ wordNgrams: [], charNgrams: { min: 3, max: 4 } }));
    const shared = (a: string, b: string) => {
      const left = sparse(chars.featurize(job(a)));
      const right = sparse(chars.featurize(job(b)));
      return [...left.keys()].filter((key) => right.has(key)).length;
    };
    expect(shared("thermodynamics", "thermal")).toBeGreaterThan(shared("thermodynamics", "banana"));
  });

  it("dense features follow the signals and the text's shape", () => {
    const prompt = "Which is larger?\nA. 12\nB. 7\nC. 30\nD. 4\nAnswer:";
    const features = featurizer.featurize(job(prompt));
    const value = (name: (typeof DENSE_FEATURES)[number]) => features.dense[DENSE_FEATURES.indexOf(name)]!;
    const signals = extractSignals(job(prompt));
    expect(value("log_chars")).toBeCloseTo(Math.log1p(signals.chars));
    expect(value("log_questions")).toBeCloseTo(Math.log1p(signals.questions));
    expect(value("log_option_lines")).toBeCloseTo(Math.log1p(4));
    expect(value("log_numbers")).toBeCloseTo(Math.log1p(4));
    expect(value("heuristic_score")).toBeGreaterThan(0);
    expect(value("heuristic_score")).toBeLessThan(1);
  });

  it("reads a huge prompt from its head and tail only", () => {
    const small = new Featurizer(spec({ headChars: 100, tailChars: 50 }));
    const middle = "filler ".repeat(5000);
    const a = small.featurize(job(`${"alpha ".repeat(20)}${middle}${"omega ".repeat(10)}`));
    const b = small.featurize(job(`${"alpha ".repeat(20)}${"other ".repeat(5000)}${"omega ".repeat(10)}`));
    expect(sparse(a)).toEqual(sparse(b));
  });

  it("handles empty-ish, non-Latin and symbol-only text", () => {
    for (const text of ["?", "∑ ∫ √ π", "Привет, мир", "東京は日本の首都です", "   \n\n  x"]) {
      const features = featurizer.featurize(job(text));
      expect(features.values.every((value) => Number.isFinite(value))).toBe(true);
      expect(Array.from(features.dense).every((value) => Number.isFinite(value))).toBe(true);
    }
  });

  it("rejects specs it cannot honour", () => {
    expect(() => new Featurizer(spec({ bucketsLog2: 30 }))).toThrow(/bucketsLog2/);
    expect(() => new Featurizer({ ...DEFAULT_FEATURIZER_SPEC, hash: "md5" as never })).toThrow(/hash/);
  });
});
