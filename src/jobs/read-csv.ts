import { Readable } from "node:stream";
import { parse as parseCsvStream, type Options as CsvOptions } from "csv-parse";
import { parse as parseCsvSync } from "csv-parse/sync";
import type { JobCandidate } from "./job-candidate.js";
import { applyDefaults, type JobDefaults } from "./job-defaults.js";

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
  "maxWait",
  ...JSON_COLUMNS,
  ...NUMBER_COLUMNS,
]);

type SkipError = (Error & { lines?: number; code?: string }) | undefined;

/**
 * The same options for the whole-text and the streaming parser. A bad row is reported (through
 * `broken`) and skipped, so the good rows still go in; a stray quote inside a field is taken
 * literally (relax_quotes) rather than wrecking every row after it.
 */
function csvOptions(broken: (candidate: JobCandidate) => void): CsvOptions {
  return {
    columns: true,
    bom: true,
    skip_empty_lines: true,
    info: true,
    relax_column_count: false,
    relax_quotes: true,
    skip_records_with_error: true,
    on_skip: (error: SkipError) => {
      if (!error) return undefined;
      const reason =
        error.code === "CSV_QUOTE_NOT_CLOSED"
          ? "not valid CSV: a quote opened here or above is never closed, so the rest of the file cannot be read"
          : `not valid CSV: ${error.message}`;
      broken({ line: error.lines ?? 1, parseError: reason });
      return undefined;
    },
  };
}

/**
 * One CSV record as a candidate. Known columns map to job fields (labels separated by "|",
 * schema/metadata/messages as JSON); any other column goes into metadata, so an export's extra
 * columns are kept, not refused. `line` is where the record ends: what an editor shows for one-line rows.
 */
function recordCandidate(record: Record<string, string>, line: number, hadInvalidBytes: boolean, defaults: JobDefaults): JobCandidate {
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
}

interface CsvRecord {
  record: Record<string, string>;
  info: { lines: number };
}

/** CSV held in memory, with a header row. */
export function parseCsvJobs(content: Buffer, defaults: JobDefaults = {}): JobCandidate[] {
  let hadInvalidBytes = false;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(content);
  } catch {
    hadInvalidBytes = true;
    text = new TextDecoder("utf-8").decode(content);
  }
  // csv-parse counts a CRLF inside a quoted cell as two lines; one line ending keeps row numbers right.
  text = text.replace(/\r\n/g, "\n");
  const broken: JobCandidate[] = [];
  let records: CsvRecord[];
  try {
    records = parseCsvSync(
      text,
      csvOptions((candidate) => broken.push(candidate)),
    ) as unknown as CsvRecord[];
  } catch (error) {
    return [{ line: 1, parseError: `not valid CSV: ${(error as Error).message}` }];
  }
  const parsed = records.map(({ record, info }) => recordCandidate(record, info.lines, hadInvalidBytes, defaults));
  return [...parsed, ...broken].sort((a, b) => a.line - b.line);
}

/**
 * Bytes to text for the CSV parser: decoded as a stream (a character split between chunks stays
 * whole), CRLF made LF (a "\r" at a chunk's end waits for the next chunk), and invalid bytes noted
 * in `state` before the parser sees the text they spoil, so the rows holding them are refused.
 */
async function* csvText(chunks: AsyncIterable<Uint8Array>, state: { hadInvalidBytes: boolean }): AsyncGenerator<string> {
  const strict = new TextDecoder("utf-8", { fatal: true });
  const lenient = new TextDecoder("utf-8");
  let heldCr = false;
  const normalise = (text: string): string => {
    let joined = heldCr ? `\r${text}` : text;
    heldCr = joined.endsWith("\r");
    if (heldCr) joined = joined.slice(0, -1);
    return joined.replace(/\r\n/g, "\n");
  };
  for await (const chunk of chunks) {
    if (!state.hadInvalidBytes) {
      try {
        strict.decode(chunk, { stream: true });
      } catch {
        state.hadInvalidBytes = true;
      }
    }
    const text = normalise(lenient.decode(chunk, { stream: true }));
    if (text) yield text;
  }
  const tail = (heldCr ? "\r" : "") + lenient.decode();
  heldCr = false;
  if (tail) yield tail.replace(/\r\n/g, "\n");
}

/** CSV as a stream (csv-parse's stream parser, with the options of the whole-text one), rows in file order. */
export async function* streamCsvJobs(chunks: AsyncIterable<Uint8Array>, defaults: JobDefaults = {}): AsyncGenerator<JobCandidate> {
  const state = { hadInvalidBytes: false };
  const broken: JobCandidate[] = [];
  const parser = Readable.from(csvText(chunks, state)).pipe(parseCsvStream(csvOptions((candidate) => broken.push(candidate))));
  // A skipped row is reported before the parser moves past it, so holding back the records after
  // it until then keeps the order; both lists are a chunk long at most.
  const ordered = function* (upTo: number): Generator<JobCandidate> {
    broken.sort((a, b) => a.line - b.line);
    while (broken.length > 0 && broken[0]!.line <= upTo) yield broken.shift()!;
  };
  let lastLine = 1;
  try {
    for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
      lastLine = info.lines;
      yield* ordered(info.lines);
      yield recordCandidate(record, info.lines, state.hadInvalidBytes, defaults);
    }
  } catch (error) {
    yield* ordered(Number.POSITIVE_INFINITY);
    yield { line: lastLine, parseError: `not valid CSV: ${(error as Error).message}` };
    return;
  }
  yield* ordered(Number.POSITIVE_INFINITY);
}
