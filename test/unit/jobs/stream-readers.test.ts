import { describe, expect, it } from "vitest";
import type { JobCandidate } from "../../../src/jobs/job-candidate.js";
import { parseCsvJobs, streamCsvJobs } from "../../../src/jobs/read-csv.js";
import { streamJsonArray } from "../../../src/jobs/read-json-array.js";
import { parseJsonl, streamJsonl } from "../../../src/jobs/read-jsonl.js";

/** The bytes cut at the given offsets: what a file stream hands over, at boundaries of our choosing. */
async function* cutAt(content: Buffer, offsets: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const offset of [...offsets].sort((a, b) => a - b)) {
    if (offset > start && offset < content.length) {
      yield content.subarray(start, offset);
      start = offset;
    }
  }
  yield content.subarray(start);
}
const everyByte = (content: Buffer) => Array.from({ length: content.length }, (_, index) => index);
/** Seeded offsets, so a failure names a cut that can be replayed. */
function randomCuts(content: Buffer, count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % content.length;
  });
}
async function collect(candidates: AsyncIterable<JobCandidate>): Promise<JobCandidate[]> {
  const all: JobCandidate[] = [];
  for await (const candidate of candidates) all.push(candidate);
  return all;
}

describe("streamJsonl", () => {
  const content = Buffer.from(
    [
      "not json at the start",
      '{"kind":"generate","prompt":"héllo 日本 🎉"}',
      "",
      '{"kind":"generate","prompt":"b"',
      '["an array"]',
      '{"kind":"summarize","prompt":"c"}',
      "{broken at the end",
    ].join("\n"),
  );
  const expected: JobCandidate[] = [
    { line: 1, parseError: expect.stringMatching(/^not valid JSON: /) as unknown as string },
    { line: 2, job: { kind: "generate", prompt: "héllo 日本 🎉" } },
    { line: 4, parseError: expect.stringMatching(/^not valid JSON: /) as unknown as string },
    { line: 5, parseError: "a line must be one JSON object" },
    { line: 6, job: { kind: "summarize", prompt: "c" } },
    { line: 7, parseError: expect.stringMatching(/^not valid JSON: /) as unknown as string },
  ];

  it("reports bad lines at the start, middle and end by number, and keeps the good ones, whatever the chunk boundaries", async () => {
    expect(await collect(streamJsonl(cutAt(content, [])))).toEqual(expected);
    // Every byte its own chunk: a multi-byte character and every line are split.
    expect(await collect(streamJsonl(cutAt(content, everyByte(content))))).toEqual(expected);
    for (let seed = 1; seed <= 20; seed++) {
      expect(await collect(streamJsonl(cutAt(content, randomCuts(content, 5, seed))))).toEqual(parseJsonl(content));
    }
  });

  it("takes CRLF line ends and a BOM, split across chunks", async () => {
    const crlf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"prompt":"a"}\r\n\r\n{"prompt":"b\\r"}\r\n')]);
    const want = [
      { line: 1, job: { prompt: "a" } },
      { line: 3, job: { prompt: "b\r" } },
    ];
    expect(await collect(streamJsonl(cutAt(crlf, everyByte(crlf))))).toEqual(want);
    expect(await collect(streamJsonl(cutAt(crlf, [1, 2, 17])))).toEqual(want);
  });

  it("blames an invalid byte on its own line only", async () => {
    const bad = Buffer.concat([Buffer.from('{"prompt":"a"}\n{"prompt":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n{"prompt":"c"}')]);
    expect(await collect(streamJsonl(cutAt(bad, [16, 27, 28])))).toEqual([
      { line: 1, job: { prompt: "a" } },
      { line: 2, parseError: "not valid UTF-8" },
      { line: 3, job: { prompt: "c" } },
    ]);
  });

  it("reads a line far longer than a chunk", async () => {
    const long = "x".repeat(3_000_000);
    const big = Buffer.from(`{"prompt":"short"}\n{"prompt":"${long}"}\n{"prompt":"after"}\n`);
    const offsets = Array.from({ length: Math.floor(big.length / 65_536) }, (_, index) => (index + 1) * 65_536);
    const candidates = await collect(streamJsonl(cutAt(big, offsets), { kind: "generate" }));
    expect(candidates.map((candidate) => candidate.line)).toEqual([1, 2, 3]);
    expect((candidates[1]!.job as { prompt: string }).prompt).toHaveLength(3_000_000);
    expect(candidates[2]).toEqual({ line: 3, job: { kind: "generate", prompt: "after" } });
  });

  it("reads nothing from an empty or blank input", async () => {
    expect(await collect(streamJsonl(cutAt(Buffer.alloc(0), [])))).toEqual([]);
    expect(await collect(streamJsonl(cutAt(Buffer.from("\n\r\n  \n"), [1, 2])))).toEqual([]);
  });
});

describe("streamJsonArray", () => {
  const jobs = [{ prompt: 'a "quoted" ]} 日本' }, { kind: "classify", prompt: "b", labels: ["x", "y"] }, 42, { prompt: "d" }];
  const content = Buffer.from(JSON.stringify(jobs, null, 2));
  const toJob = (job: Record<string, unknown>) => ({ kind: "generate", ...job });
  const expected = [
    { line: 1, job: { kind: "generate", prompt: 'a "quoted" ]} 日本' } },
    { line: 2, job: { kind: "classify", prompt: "b", labels: ["x", "y"] } },
    { line: 3, parseError: "an array element must be one JSON object (a job)" },
    { line: 4, job: { kind: "generate", prompt: "d" } },
  ];

  it("gives the same elements whatever byte boundaries the array is split at", async () => {
    expect(await collect(streamJsonArray(cutAt(content, everyByte(content)), toJob))).toEqual(expected);
    for (let seed = 1; seed <= 30; seed++) {
      expect(await collect(streamJsonArray(cutAt(content, randomCuts(content, 4, seed)), toJob))).toEqual(expected);
    }
  });

  it("keeps the elements before a syntax error, split anywhere", async () => {
    const broken = Buffer.from('[{"prompt":"a"},{"prompt":"b"},{"prompt": ]');
    for (const offsets of [[], everyByte(broken), [5, 20, 33]]) {
      const candidates = await collect(streamJsonArray(cutAt(broken, offsets), toJob));
      expect(candidates.slice(0, 2)).toEqual([
        { line: 1, job: { kind: "generate", prompt: "a" } },
        { line: 2, job: { kind: "generate", prompt: "b" } },
      ]);
      expect(candidates).toHaveLength(3);
      expect(candidates[2]!.parseError).toMatch(/^not valid JSON after element 2 of the array/);
    }
  });
});

describe("streamCsvJobs", () => {
  const csv =
    [
      "id,kind,prompt,labels,extra",
      'a,classify,"a prompt, with a comma",x|y,kept',
      'b,generate,"a quoted cell\r\nacross lines, with ""quotes""",,',
      "c,generate,one,two,three,too many",
      'd,generate,"日本 🎉",,',
      "e,extract,bad schema,,",
    ].join("\r\n") + "\r\n";
  const content = Buffer.from(csv);

  it("matches the whole-text parser row for row, with quoted cells and CRLF split across chunk boundaries", async () => {
    const whole = parseCsvJobs(content);
    expect(whole.map((candidate) => candidate.line)).toEqual([2, 4, 5, 6, 7]);
    expect(whole[1]).toEqual({ line: 4, job: { id: "b", kind: "generate", prompt: 'a quoted cell\nacross lines, with "quotes"' } });
    expect(whole[2]).toMatchObject({ line: 5, parseError: expect.stringMatching(/^not valid CSV: /) });
    expect(await collect(streamCsvJobs(cutAt(content, everyByte(content))))).toEqual(whole);
    for (let seed = 1; seed <= 20; seed++) {
      expect(await collect(streamCsvJobs(cutAt(content, randomCuts(content, 6, seed))))).toEqual(whole);
    }
  });

  it("refuses rows with invalid bytes, keeps the others, with a BOM in front", async () => {
    const bad = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from("kind,prompt\ngenerate,fine\ngenerate,bad "),
      Buffer.from([0xff]),
      Buffer.from("\ngenerate,also fine\n"),
    ]);
    const want = [
      { line: 2, job: { kind: "generate", prompt: "fine" } },
      { line: 3, parseError: "not valid UTF-8" },
      { line: 4, job: { kind: "generate", prompt: "also fine" } },
    ];
    expect(await collect(streamCsvJobs(cutAt(bad, [])))).toEqual(want);
    expect(await collect(streamCsvJobs(cutAt(bad, [1, 2, 20, 37, 38])))).toEqual(want);
  });
});
