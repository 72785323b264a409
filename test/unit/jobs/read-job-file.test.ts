import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatOf, parseCsvJobs, parseJsonl, readJobFile } from "../../../src/jobs/read-job-file.js";

const lines = (...text: string[]) => Buffer.from(text.join("\n"));

describe("formatOf", () => {
  it.each([
    ["jobs.jsonl", "jsonl"],
    ["jobs.ndjson", "jsonl"],
    ["jobs.json", "json"],
    ["/data/JOBS.JSONL", "jsonl"],
    ["jobs.csv", "csv"],
    ["exports/Tickets.CSV", "csv"],
  ] as const)("%s is %s", (path, format) => {
    expect(formatOf(path)).toBe(format);
  });

  it.each(["jobs.txt", "jobs", "jobs.csv.gz", "jobs.tsv"])("refuses %s", (path) => {
    expect(() => formatOf(path)).toThrow(`cannot tell the format of ${path}: use a .jsonl, .json (an array of jobs) or .csv file`);
  });
});

describe("parseJsonl", () => {
  it("parses one job per line with 1-based line numbers", () => {
    expect(parseJsonl(lines('{"kind":"generate","prompt":"a"}', '{"kind":"summarize","prompt":"b"}'))).toEqual([
      { line: 1, job: { kind: "generate", prompt: "a" } },
      { line: 2, job: { kind: "summarize", prompt: "b" } },
    ]);
  });

  it("skips blank and whitespace-only lines but keeps counting them", () => {
    expect(parseJsonl(lines("", '{"prompt":"a"}', "   ", "\t", '{"prompt":"b"}', ""))).toEqual([
      { line: 2, job: { prompt: "a" } },
      { line: 5, job: { prompt: "b" } },
    ]);
  });

  it("returns nothing for an empty file", () => {
    expect(parseJsonl(Buffer.alloc(0))).toEqual([]);
    expect(parseJsonl(Buffer.from("\n\n\r\n"))).toEqual([]);
  });

  it("handles CRLF line endings", () => {
    expect(parseJsonl(Buffer.from('{"prompt":"a"}\r\n\r\n{"prompt":"b\\r"}\r\n'))).toEqual([
      { line: 1, job: { prompt: "a" } },
      { line: 3, job: { prompt: "b\r" } },
    ]);
  });

  it("handles a UTF-8 byte order mark", () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"prompt":"a"}\n{"prompt":"b"}')]);
    expect(parseJsonl(content)).toEqual([
      { line: 1, job: { prompt: "a" } },
      { line: 2, job: { prompt: "b" } },
    ]);
  });

  it("keeps multi-byte text intact", () => {
    expect(parseJsonl(Buffer.from('{"prompt":"héllo 日本 🎉"}\n'))).toEqual([{ line: 1, job: { prompt: "héllo 日本 🎉" } }]);
  });

  it("reports every bad line with its number and goes on", () => {
    const content = Buffer.concat([
      Buffer.from('{"prompt":"ok"}\n'), // 1
      Buffer.from("{not json\n"), // 2
      Buffer.from("[1,2]\n"), // 3
      Buffer.from('"a string"\n'), // 4
      Buffer.from("null\n"), // 5
      Buffer.from([0xff, 0xfe]), // 6
      Buffer.from("\n42\n"), // 7
      Buffer.from('{"prompt":"last"}'), // 8
    ]);
    const result = parseJsonl(content);
    expect(result.map((c) => c.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(result[0]).toEqual({ line: 1, job: { prompt: "ok" } });
    expect(result[1]!.parseError).toMatch(/^not valid JSON: /);
    expect(result[1]!.job).toBeUndefined();
    expect(result.slice(2, 5)).toEqual([
      { line: 3, parseError: "a line must be one JSON object" },
      { line: 4, parseError: "a line must be one JSON object" },
      { line: 5, parseError: "a line must be one JSON object" },
    ]);
    expect(result[5]).toEqual({ line: 6, parseError: "not valid UTF-8" });
    expect(result[6]).toEqual({ line: 7, parseError: "a line must be one JSON object" });
    expect(result[7]).toEqual({ line: 8, job: { prompt: "last" } });
  });

  it("rejects a truncated multi-byte character", () => {
    const euro = Buffer.from("€"); // e2 82 ac
    const content = Buffer.concat([Buffer.from('{"prompt":"'), euro.subarray(0, 2), Buffer.from('"}')]);
    expect(parseJsonl(content)).toEqual([{ line: 1, parseError: "not valid UTF-8" }]);
  });

  describe("defaults", () => {
    const defaults = { kind: "classify", labels: ["yes", "no"], feature: "triage" };

    it("fills in kind, labels and feature when the line leaves them out", () => {
      expect(parseJsonl(lines('{"prompt":"a"}'), defaults)).toEqual([
        { line: 1, job: { kind: "classify", labels: ["yes", "no"], feature: "triage", prompt: "a" } },
      ]);
    });

    it("never overrides what the line gives", () => {
      expect(parseJsonl(lines('{"prompt":"a","kind":"classify","labels":["x","y"],"feature":"own"}'), defaults)).toEqual([
        { line: 1, job: { kind: "classify", labels: ["x", "y"], feature: "own", prompt: "a" } },
      ]);
    });

    it("adds default labels only to classify jobs", () => {
      expect(parseJsonl(lines('{"prompt":"a","kind":"summarize"}'), defaults)).toEqual([
        { line: 1, job: { kind: "summarize", feature: "triage", prompt: "a" } },
      ]);
      expect(parseJsonl(lines('{"prompt":"a"}'), { labels: ["yes", "no"] })).toEqual([{ line: 1, job: { prompt: "a" } }]);
      expect(parseJsonl(lines('{"prompt":"a","kind":"classify"}'), { labels: ["yes", "no"] })).toEqual([
        { line: 1, job: { prompt: "a", kind: "classify", labels: ["yes", "no"] } },
      ]);
    });

    it("keeps an explicit null (so validation reports it) rather than replacing it", () => {
      expect(parseJsonl(lines('{"prompt":"a","feature":null}'), { feature: "triage" })).toEqual([
        { line: 1, job: { prompt: "a", feature: null } },
      ]);
    });
  });
});

describe("parseCsvJobs", () => {
  it("maps columns to job fields; data rows start at line 2", () => {
    const csv = "id,kind,prompt,labels\njob-1,classify,refund please,billing|shipping\njob-2,summarize,a text,\n";
    expect(parseCsvJobs(Buffer.from(csv))).toEqual([
      { line: 2, job: { id: "job-1", kind: "classify", prompt: "refund please", labels: ["billing", "shipping"] } },
      { line: 3, job: { id: "job-2", kind: "summarize", prompt: "a text" } },
    ]);
  });

  it("handles quoted fields with commas, quotes and newlines", () => {
    const csv = 'kind,prompt\ngenerate,"one, two"\ngenerate,"say ""hi"""\ngenerate,"line 1\nline 2\nline 3"\ngenerate,plain\n';
    expect(parseCsvJobs(Buffer.from(csv))).toEqual([
      { line: 2, job: { kind: "generate", prompt: "one, two" } },
      { line: 3, job: { kind: "generate", prompt: 'say "hi"' } },
      // a multi-line row is numbered by the line where it ends
      { line: 6, job: { kind: "generate", prompt: "line 1\nline 2\nline 3" } },
      { line: 7, job: { kind: "generate", prompt: "plain" } },
    ]);
  });

  it("numbers rows of a CRLF file with LF line breaks inside a cell (as Excel writes them)", () => {
    const csv = 'kind,prompt\r\ngenerate,"line 1\nline 2"\r\ngenerate,plain\r\n';
    expect(parseCsvJobs(Buffer.from(csv))).toEqual([
      { line: 3, job: { kind: "generate", prompt: "line 1\nline 2" } },
      { line: 4, job: { kind: "generate", prompt: "plain" } },
    ]);
  });

  // csv-parse counts a CRLF inside a quoted field as two lines; the reader folds CRLF to LF first.
  it("numbers rows of a CRLF file with a CRLF line break inside a cell the way an editor does", () => {
    const csv = 'kind,prompt\r\ngenerate,"line 1\r\nline 2"\r\ngenerate,plain\r\n';
    expect(parseCsvJobs(Buffer.from(csv))).toEqual([
      { line: 3, job: { kind: "generate", prompt: "line 1\nline 2" } },
      { line: 4, job: { kind: "generate", prompt: "plain" } },
    ]);
  });

  it("splits labels on | and trims them", () => {
    expect(parseCsvJobs(Buffer.from('kind,prompt,labels\nclassify,p," a | b|c "\n'))).toEqual([
      { line: 2, job: { kind: "classify", prompt: "p", labels: ["a", "b", "c"] } },
    ]);
  });

  it("parses JSON columns and numbers", () => {
    const csv =
      'kind,prompt,schema,metadata,maxOutputTokens\nextract,p,"{""type"":""object"",""required"":[""a""]}","{""customer"":""acme"",""n"":2}",256\n';
    expect(parseCsvJobs(Buffer.from(csv))).toEqual([
      {
        line: 2,
        job: {
          kind: "extract",
          prompt: "p",
          schema: { type: "object", required: ["a"] },
          metadata: { customer: "acme", n: 2 },
          maxOutputTokens: 256,
        },
      },
    ]);
  });

  it("parses a messages column as JSON", () => {
    const csv = 'kind,messages\ngenerate,"[{""role"":""user"",""content"":""hi""}]"\n';
    expect(parseCsvJobs(Buffer.from(csv))).toEqual([{ line: 2, job: { kind: "generate", messages: [{ role: "user", content: "hi" }] } }]);
  });

  it("puts unknown columns into metadata, merged with a metadata column", () => {
    const csv = 'kind,prompt,ticket_id,region,metadata\ngenerate,p,T-9,eu,"{""a"":1}"\ngenerate,q,T-10,,\n';
    expect(parseCsvJobs(Buffer.from(csv))).toEqual([
      { line: 2, job: { kind: "generate", prompt: "p", metadata: { a: 1, ticket_id: "T-9", region: "eu" } } },
      { line: 3, job: { kind: "generate", prompt: "q", metadata: { ticket_id: "T-10" } } },
    ]);
  });

  it("reports a bad JSON column with the row's line, and keeps the other rows", () => {
    const csv = "kind,prompt,metadata\ngenerate,a,\ngenerate,b,{oops\ngenerate,c,\n";
    expect(parseCsvJobs(Buffer.from(csv))).toEqual([
      { line: 2, job: { kind: "generate", prompt: "a" } },
      { line: 3, parseError: "column metadata is not valid JSON" },
      { line: 4, job: { kind: "generate", prompt: "c" } },
    ]);
    expect(parseCsvJobs(Buffer.from('kind,prompt,schema\nextract,a,"[1,"\n'))).toEqual([
      { line: 2, parseError: "column schema is not valid JSON" },
    ]);
  });

  it("rejects a row with invalid UTF-8 and keeps the valid rows", () => {
    const content = Buffer.concat([
      Buffer.from("kind,prompt\ngenerate,fine\ngenerate,bad "),
      Buffer.from([0xff, 0xfe]),
      Buffer.from("\ngenerate,also fine\n"),
    ]);
    expect(parseCsvJobs(content)).toEqual([
      { line: 2, job: { kind: "generate", prompt: "fine" } },
      { line: 3, parseError: "not valid UTF-8" },
      { line: 4, job: { kind: "generate", prompt: "also fine" } },
    ]);
  });

  it("handles a BOM and CRLF", () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("kind,prompt\r\ngenerate,a\r\ngenerate,b\r\n")]);
    expect(parseCsvJobs(content)).toEqual([
      { line: 2, job: { kind: "generate", prompt: "a" } },
      { line: 3, job: { kind: "generate", prompt: "b" } },
    ]);
  });

  it("applies defaults only where the row leaves a field out", () => {
    const csv = "kind,prompt,feature,labels\n,a,,\nsummarize,b,own,\nclassify,c,,x|y\n";
    expect(parseCsvJobs(Buffer.from(csv), { kind: "classify", labels: ["yes", "no"], feature: "triage" })).toEqual([
      { line: 2, job: { kind: "classify", labels: ["yes", "no"], feature: "triage", prompt: "a" } },
      { line: 3, job: { kind: "summarize", feature: "own", prompt: "b" } },
      { line: 4, job: { kind: "classify", feature: "triage", prompt: "c", labels: ["x", "y"] } },
    ]);
  });

  it("reports a quote that is never closed, keeping the rows before it", () => {
    const result = parseCsvJobs(Buffer.from('kind,prompt\ngenerate,fine\ngenerate,"unclosed\ngenerate,swallowed\n'));
    expect(result[0]).toEqual({ line: 2, job: { kind: "generate", prompt: "fine" } });
    expect(result).toHaveLength(2);
    expect(result[1]!.parseError).toMatch(/^not valid CSV: a quote opened here or above is never closed/);
  });

  it("takes a stray quote inside a field literally and reads the rows after it", () => {
    const result = parseCsvJobs(Buffer.from('kind,prompt\ngenerate,"say "hi" now"\ngenerate,next\n'));
    expect(result.map((candidate) => candidate.job)).toEqual([
      { kind: "generate", prompt: '"say "hi" now"' },
      { kind: "generate", prompt: "next" },
    ]);
  });

  it("reports a row with the wrong number of columns", () => {
    const result = parseCsvJobs(Buffer.from("kind,prompt\ngenerate,a,extra\n"));
    expect(result).toHaveLength(1);
    expect(result[0]!.parseError).toMatch(/^not valid CSV: /);
  });

  it("returns nothing for a header-only file", () => {
    expect(parseCsvJobs(Buffer.from("kind,prompt\n"))).toEqual([]);
  });
});

describe("readJobFile", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "read-job-file-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads JSONL and CSV files by extension, with defaults", async () => {
    await writeFile(join(dir, "a.jsonl"), '{"prompt":"a"}\n');
    await writeFile(join(dir, "b.csv"), "prompt\nb\n");
    expect(await readJobFile(join(dir, "a.jsonl"), { kind: "generate" })).toEqual([{ line: 1, job: { kind: "generate", prompt: "a" } }]);
    expect(await readJobFile(join(dir, "b.csv"), { kind: "summarize" })).toEqual([{ line: 2, job: { kind: "summarize", prompt: "b" } }]);
  });

  it("names the path of a file it cannot read", async () => {
    const missing = join(dir, "missing.jsonl");
    await expect(readJobFile(missing)).rejects.toThrow(`cannot read ${missing}: `);
  });

  it("refuses an unknown extension before reading", async () => {
    await expect(readJobFile(join(dir, "nope.txt"))).rejects.toThrow("use a .jsonl, .json (an array of jobs) or .csv file");
  });

  // Issue 16 item 7: a pretty-printed array gave one error per line and an empty batch.
  it("reads a .json file holding an array of jobs, element by element, with defaults", async () => {
    const jobs = [{ prompt: "a" }, { kind: "classify", prompt: "b", labels: ["x", "y"] }, 42];
    await writeFile(join(dir, "array.json"), `\uFEFF  ${JSON.stringify(jobs, null, 2)}\n`);
    expect(await readJobFile(join(dir, "array.json"), { kind: "generate" })).toEqual([
      { line: 1, job: { kind: "generate", prompt: "a" } },
      { line: 2, job: { kind: "classify", prompt: "b", labels: ["x", "y"] } },
      { line: 3, parseError: "an array element must be one JSON object (a job)" },
    ]);
  });

  it("keeps the elements before a syntax error and says where the array broke", async () => {
    await writeFile(join(dir, "broken.json"), '[{"prompt": "a"}, {"prompt": "b"}, {"prompt": ]');
    const candidates = await readJobFile(join(dir, "broken.json"), { kind: "generate" });
    expect(candidates.slice(0, 2)).toEqual([
      { line: 1, job: { kind: "generate", prompt: "a" } },
      { line: 2, job: { kind: "generate", prompt: "b" } },
    ]);
    expect(candidates[2]).toMatchObject({ line: 3 });
    expect(candidates[2]!.parseError).toMatch(/^not valid JSON after element 2 of the array, so the rest cannot be read: /);
    expect(candidates).toHaveLength(3);
  });

  it("streams a large array (many chunks) and still reads one job per line from a .json that is JSONL", async () => {
    const many = Array.from({ length: 5_000 }, (_, index) => ({ id: `j-${index}`, prompt: `prompt ${index} ${"x".repeat(40)}` }));
    await writeFile(join(dir, "many.json"), JSON.stringify(many));
    const candidates = await readJobFile(join(dir, "many.json"), { kind: "generate" });
    expect(candidates).toHaveLength(5_000);
    expect(candidates[4_999]).toEqual({ line: 5_000, job: { kind: "generate", id: "j-4999", prompt: `prompt 4999 ${"x".repeat(40)}` } });
    await writeFile(join(dir, "lines.json"), '{"prompt":"a"}\n{"prompt":"b"}\n');
    expect(await readJobFile(join(dir, "lines.json"), { kind: "generate" })).toHaveLength(2);
  });
});
