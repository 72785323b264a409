import { readFileSync } from "node:fs";
import cl100k from "gpt-tokenizer/encoding/cl100k_base";
import o200k from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { pieceCounter } from "../../../src/estimate/token-count.js";

const examples = readFileSync(new URL("../../../examples/jobs.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as { prompt?: string; system?: string });
const texts = [
  ...examples.flatMap((job) => [job.prompt ?? "", job.system ?? ""]),
  "héllo wörld — naïve café, 日本語のテキスト, emoji 🙂👍🏽, Ελληνικά",
  "1234567890 3.14159 0xDEADBEEF 2026-12-02T14:00:00Z",
  "```ts\nconst x = await fetch(`https://a.example/b?c=${d}`);\n```\n\n\n   trailing   spaces   ",
  "supercalifragilisticexpialidocious antidisestablishmentarianism",
];

describe.each([
  ["o200k_base", o200k],
  ["cl100k_base", cl100k],
] as const)("pieceCounter (%s)", (_name, encoding) => {
  it("counts exactly what gpt-tokenizer's countTokens counts, on a cold and a warm piece map", () => {
    const count = pieceCounter(encoding);
    for (let round = 0; round < 2; round++) {
      for (const text of texts) expect(count(text), text.slice(0, 40)).toBe(encoding.countTokens(text));
    }
  });
});
