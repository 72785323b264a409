import type { ServerResponse } from "node:http";

/**
 * A JSONL results file rendered line by line as it is sent, never held whole: a 50,000-item batch
 * costs its compact item results, not its rendered text. `truncate` (scenario key
 * batchTruncateResults) cuts the file in the middle of its middle line, as a broken download would.
 */
export interface ResultsFile {
  lineCount: number;
  /** Each line without its newline. */
  lines(): Iterable<string>;
  truncate: boolean;
}

const CHUNK_CHARS = 64 * 1024;

/** The file's pieces as sent: whole lines with newlines, and, when truncated, half a line to finish. */
function* pieces(file: ResultsFile): Generator<string> {
  const cut = file.truncate ? Math.floor(file.lineCount / 2) : Infinity;
  let k = 0;
  for (const line of file.lines()) {
    if (k === cut) {
      yield line.slice(0, Math.max(1, Math.floor(line.length / 2)));
      return;
    }
    yield `${line}\n`;
    k++;
  }
}

export function resultsByteLength(file: ResultsFile): number {
  let bytes = 0;
  for (const piece of pieces(file)) bytes += Buffer.byteLength(piece);
  return bytes;
}

/** Streams the file with backpressure; stops quietly if the client goes away. */
export async function sendResultsFile(res: ServerResponse, file: ResultsFile, headers: Record<string, string>): Promise<void> {
  res.writeHead(200, { ...headers, "content-type": "application/octet-stream" });
  let chunk = "";
  for (const piece of pieces(file)) {
    chunk += piece;
    if (chunk.length < CHUNK_CHARS) continue;
    if (!(await write(res, chunk))) return;
    chunk = "";
  }
  res.end(chunk);
}

/** False when the response closed before the chunk could be written. */
function write(res: ServerResponse, chunk: string): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once("drain", onDrain);
    res.once("close", onClose);
  });
}
