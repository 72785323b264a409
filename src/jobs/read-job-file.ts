import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import type { JobCandidate } from "./job-candidate.js";
import { parseJsonArrayStream } from "./read-json-array.js";
import { RouterError } from "../errors/router-error.js";

/** What `enqueue` flags fill in when a line leaves them out. */
export interface JobDefaults {
  kind?: string;
  labels?: string[];
  feature?: string;
  /** `--deadline`: lines without one may wait this long (batch lane). */
  deadline?: string;
}

/** "json": a .json file, which holds either one array of jobs or (like .jsonl) one job per line. */
export type JobFileFormat = "jsonl" | "csv" | "json";

export function formatOf(path: string): JobFileFormat {
  const extension = extname(path).toLowerCase();
  if (extension === ".csv") return "csv";
  if (extension === ".jsonl" || extension === ".ndjson") return "jsonl";
  if (extension === ".json") return "json";
  throw new RouterError("input", `cannot tell the format of ${path}: use a .jsonl, .json (an array of jobs) or .csv file`);
}

/** Does the text start (after a BOM and blanks) with "["? Undefined until a non-blank byte is seen. */
function startsWithBracket(head: Buffer): boolean | undefined {
  let index = head.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? 3 : 0;
  while (index < head.length && [0x20, 0x09, 0x0a, 0x0d].includes(head[index]!)) index++;
  return index < head.length ? head[index] === 0x5b : undefined;
}

/** A .json file: streamed through the array parser when it opens with "[", else read as JSONL. */
async function readJsonFile(path: string, defaults: JobDefaults): Promise<JobCandidate[]> {
  const stream = createReadStream(path)[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let isArray: boolean | undefined;
  while (isArray === undefined) {
    const next = await stream.next();
    if (next.done) break;
    head.push(next.value);
    isArray = startsWithBracket(Buffer.concat(head));
  }
  if (!isArray) {
    const rest: Buffer[] = [...head];
    for (let next = await stream.next(); !next.done; next = await stream.next()) rest.push(next.value);
    return parseJsonl(Buffer.concat(rest), defaults);
  }
  async function* chunks(): AsyncIterable<Uint8Array> {
    // The BOM is not JSON: drop it before the parser sees it.
    const first = Buffer.concat(head);
    yield first.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? first.subarray(3) : first;
    for (let next = await stream.next(); !next.done; next = await stream.next()) yield next.value;
  }
  try {
    return await parseJsonArrayStream(chunks(), (job) => applyDefaults(job, defaults));
  } finally {
    await stream.return?.();
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Lenient = new TextDecoder("utf-8", { fatal: false });

function applyDefaults(job: Record<string, unknown>, defaults: JobDefaults): Record<string, unknown> {
  return {
    ...(defaults.kind !== undefined && job.kind === undefined ? { kind: defaults.kind } : {}),
    ...(defaults.labels !== undefined && job.labels === undefined && (job.kind ?? defaults.kind) === "classify"
      ? { labels: defaults.labels }
      : {}),
    ...(defaults.feature !== undefined && job.feature === undefined ? { feature: defaults.feature } : {}),
    ...(defaults.deadline !== undefined && job.deadline === undefined ? { deadline: defaults.deadline } : {}),
    ...job,
  };
}

/** JSONL: one job per line; blank lines are skipped; every bad line is reported with its number. */
export function parseJsonl(content: Buffer, defaults: JobDefaults = {}): JobCandidate[] {
  const candidates: JobCandidate[] = [];
  let start = 0;
  let lineNo = 0;
  while (start <= content.length) {
    let end = content.indexOf(0x0a, start);
    if (end === -1) end = content.length;
    lineNo++;
    const raw = content.subarray(start, end);
    start = end + 1;
    let text: string;
    try {
      text = utf8
        .decode(raw)
        .replace(/\r$/, "")
        .replace(/^\uFEFF/, "");
    } catch {
      candidates.push({ line: lineNo, parseError: "not valid UTF-8" });
      continue;
    }
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      candidates.push({ line: lineNo, parseError: `not valid JSON: ${(error as Error).message}` });
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      candidates.push({ line: lineNo, parseError: "a line must be one JSON object" });
      continue;
    }
    candidates.push({ line: lineNo, job: applyDefaults(value as Record<string, unknown>, defaults) });
  }
  return candidates;
}

const JSON_COLUMNS = new Set(["schema", "metadata", "messages"]);
const NUMBER_COLUMNS = new Set(["maxOutputTokens"]);
const JOB_COLUMNS = new Set([
  "id",
  "kind",
  "prompt",
  "system",
  "labels",
  "feature",
  "tier",
  "model",
  "deadline",
  ...JSON_COLUMNS,
  ...NUMBER_COLUMNS,
]);

/**
 * CSV with a header row. Known columns map to job fields (labels separated by "|", schema/metadata/messages
 * as JSON); any other column goes into metadata, so an export's extra columns are kept, not refused.
 */
export function parseCsvJobs(content: Buffer, defaults: JobDefaults = {}): JobCandidate[] {
  let hadInvalidBytes = false;
  let text: string;
  try {
    text = utf8.decode(content);
  } catch {
    hadInvalidBytes = true;
    text = utf8Lenient.decode(content);
  }
  // csv-parse counts a CRLF inside a quoted cell as two lines; one line ending keeps row numbers right.
  text = text.replace(/\r\n/g, "\n");
  let records: { record: Record<string, string>; info: { lines: number } }[];
  // A bad row is reported and skipped, so the good rows still go in; a stray quote inside a field is
  // taken literally (relax_quotes) rather than wrecking every row after it.
  const broken: JobCandidate[] = [];
  try {
    records = parseCsv(text, {
      columns: true,
      bom: true,
      skip_empty_lines: true,
      info: true,
      relax_column_count: false,
      relax_quotes: true,
      skip_records_with_error: true,
      on_skip: (error: (Error & { lines?: number; code?: string }) | undefined) => {
        if (!error) return undefined;
        const reason =
          error.code === "CSV_QUOTE_NOT_CLOSED"
            ? "not valid CSV: a quote opened here or above is never closed, so the rest of the file cannot be read"
            : `not valid CSV: ${error.message}`;
        broken.push({ line: error.lines ?? 1, parseError: reason });
        return undefined;
      },
    });
  } catch (error) {
    return [{ line: 1, parseError: `not valid CSV: ${(error as Error).message}` }];
  }
  const parsed = records.map(({ record, info }): JobCandidate => {
    // info.lines is the line where the record ends; that is what an editor shows for one-line rows.
    const line = info.lines;
    if (hadInvalidBytes && Object.values(record).some((value) => value.includes("\uFFFD"))) {
      return { line, parseError: "not valid UTF-8" };
    }
    const job: Record<string, unknown> = {};
    const metadata: Record<string, string> = {};
    for (const [column, value] of Object.entries(record)) {
      if (value === "") continue;
      if (!JOB_COLUMNS.has(column)) metadata[column] = value;
      else if (column === "labels") job.labels = value.split("|").map((label) => label.trim());
      else if (NUMBER_COLUMNS.has(column)) job[column] = Number(value);
      else if (JSON_COLUMNS.has(column)) {
        try {
          job[column] = JSON.parse(value);
        } catch {
          return { line, parseError: `column ${column} is not valid JSON` };
        }
      } else job[column] = value;
    }
    if (Object.keys(metadata).length > 0) {
      job.metadata = { ...(job.metadata as Record<string, unknown> | undefined), ...metadata };
    }
    return { line, job: applyDefaults(job, defaults) };
  });
  return [...parsed, ...broken].sort((a, b) => a.line - b.line);
}

export async function readJobFile(path: string, defaults: JobDefaults = {}): Promise<JobCandidate[]> {
  const format = formatOf(path);
  if (format === "json") {
    try {
      return await readJsonFile(path, defaults);
    } catch (error) {
      throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    throw new RouterError("input", `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return format === "csv" ? parseCsvJobs(content, defaults) : parseJsonl(content, defaults);
}
