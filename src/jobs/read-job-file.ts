import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import type { JobCandidate } from "./job-candidate.js";
import { applyDefaults, type JobDefaults } from "./job-defaults.js";
import type { JobSource } from "./job-source.js";
import { streamCsvJobs } from "./read-csv.js";
import { streamJsonArray } from "./read-json-array.js";
import { streamJsonl } from "./read-jsonl.js";
import { RouterError } from "../errors/router-error.js";

export type { JobDefaults } from "./job-defaults.js";
export { parseJsonl } from "./read-jsonl.js";
export { parseCsvJobs } from "./read-csv.js";

/** "json": a .json file, which holds either one array of jobs or (like .jsonl) one job per line. */
export type JobFileFormat = "jsonl" | "csv" | "json";

export function formatOf(path: string): JobFileFormat {
  const extension = extname(path).toLowerCase();
  if (extension === ".csv") return "csv";
  if (extension === ".jsonl" || extension === ".ndjson") return "jsonl";
  if (extension === ".json") return "json";
  throw new RouterError("input", `cannot tell the format of ${path}: use a .jsonl, .json (an array of jobs) or .csv file`);
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Does the text start (after a BOM and blanks) with "["? Undefined until a non-blank byte is seen. */
function startsWithBracket(head: Buffer): boolean | undefined {
  let index = head.subarray(0, 3).equals(BOM) ? 3 : 0;
  while (index < head.length && [0x20, 0x09, 0x0a, 0x0d].includes(head[index]!)) index++;
  return index < head.length ? head[index] === 0x5b : undefined;
}

/** A .json file: streamed through the array parser when it opens with "[", else read as JSONL. */
async function* streamJsonFile(chunks: AsyncIterable<Uint8Array>, defaults: JobDefaults): AsyncGenerator<JobCandidate> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let isArray: boolean | undefined;
  while (isArray === undefined) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(Buffer.from(next.value));
    isArray = startsWithBracket(Buffer.concat(head));
  }
  async function* rest(dropBom: boolean): AsyncGenerator<Uint8Array> {
    const first = Buffer.concat(head);
    // The BOM is not JSON: drop it before the array parser sees it (the JSONL reader drops its own).
    yield dropBom && first.subarray(0, 3).equals(BOM) ? first.subarray(3) : first;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  if (isArray) yield* streamJsonArray(rest(true), (job) => applyDefaults(job, defaults));
  else yield* streamJsonl(rest(false), defaults);
}

/** The file's bytes, counted as they are read; an unreadable file is an input error naming it. */
async function* fileChunks(path: string, onBytes?: (done: number) => void): AsyncGenerator<Uint8Array> {
  let done = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
      done += chunk.length;
      yield chunk;
      onBytes?.(done);
    }
  } catch (error) {
    if (done > 0) throw error;
    throw new RouterError("input", `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Candidates of one file, in file order, read as a stream. */
export function streamJobFile(path: string, defaults: JobDefaults = {}, onBytes?: (done: number) => void): AsyncIterable<JobCandidate> {
  const format = formatOf(path);
  const chunks = fileChunks(path, onBytes);
  if (format === "csv") return streamCsvJobs(chunks, defaults);
  if (format === "json") return streamJsonFile(chunks, defaults);
  return streamJsonl(chunks, defaults);
}

/** A job file as a source `enqueue` and `estimate` can read (twice, if they need to) as a stream. */
export async function openJobFile(path: string, defaults: JobDefaults = {}): Promise<JobSource> {
  formatOf(path);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new RouterError("input", `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return { size, read: (onBytes) => streamJobFile(path, defaults, onBytes) };
}

/** Every candidate of a small file at once (the demo's example file, tests). */
export async function readJobFile(path: string, defaults: JobDefaults = {}): Promise<JobCandidate[]> {
  const candidates: JobCandidate[] = [];
  for await (const candidate of streamJobFile(path, defaults)) candidates.push(candidate);
  return candidates;
}
