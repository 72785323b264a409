import type { JobCandidate } from "./job-candidate.js";
import { applyDefaults, type JobDefaults } from "./job-defaults.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const NEWLINE = 0x0a;

/** One JSONL line (without its "\n") as a candidate; undefined for a blank line, which is skipped. */
export function jsonlLine(raw: Uint8Array, lineNo: number, defaults: JobDefaults): JobCandidate | undefined {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { line: lineNo, parseError: "not valid UTF-8" };
  }
  // A CRLF file leaves "\r" at the end of each line; a BOM may open the first one (or a concatenated file's).
  if (text.endsWith("\r")) text = text.slice(0, -1);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { line: lineNo, parseError: `not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { line: lineNo, parseError: "a line must be one JSON object" };
  }
  return { line: lineNo, job: applyDefaults(value as Record<string, unknown>, defaults) };
}

/** JSONL held in memory: one job per line; blank lines are skipped; every bad line is reported with its number. */
export function parseJsonl(content: Buffer, defaults: JobDefaults = {}): JobCandidate[] {
  const candidates: JobCandidate[] = [];
  let start = 0;
  let lineNo = 0;
  while (start <= content.length) {
    let end = content.indexOf(NEWLINE, start);
    if (end === -1) end = content.length;
    const candidate = jsonlLine(content.subarray(start, end), ++lineNo, defaults);
    if (candidate) candidates.push(candidate);
    start = end + 1;
  }
  return candidates;
}

/**
 * JSONL as a stream: lines are cut on raw bytes (so a multi-byte character split between two chunks
 * is decoded whole, and a bad byte is blamed on its own line), and only the unfinished last line of
 * a chunk is carried over, so memory is one chunk plus the longest line, whatever the file's size.
 */
export async function* streamJsonl(chunks: AsyncIterable<Uint8Array>, defaults: JobDefaults = {}): AsyncGenerator<JobCandidate> {
  // The unfinished line so far, in pieces: joined once when its "\n" comes, so a very long line costs
  // one copy, not one per chunk.
  let pending: Buffer[] = [];
  let lineNo = 0;
  for await (const chunk of chunks) {
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    let end = buffer.indexOf(NEWLINE);
    if (end !== -1 && pending.length > 0) {
      const candidate = jsonlLine(Buffer.concat([...pending, buffer.subarray(0, end)]), ++lineNo, defaults);
      if (candidate) yield candidate;
      pending = [];
      start = end + 1;
      end = buffer.indexOf(NEWLINE, start);
    }
    for (; end !== -1; end = buffer.indexOf(NEWLINE, start)) {
      const candidate = jsonlLine(buffer.subarray(start, end), ++lineNo, defaults);
      if (candidate) yield candidate;
      start = end + 1;
    }
    // Copied, not a view: a view would keep the whole chunk alive for the sake of its tail.
    if (start < buffer.length) pending.push(start === 0 ? Buffer.from(buffer) : Buffer.from(buffer.subarray(start)));
  }
  const last = jsonlLine(Buffer.concat(pending), lineNo + 1, defaults);
  if (last) yield last;
}
