import { createInterface } from "node:readline";
import { Readable } from "node:stream";

/**
 * The lines of a streamed JSONL body, parsed one at a time (flat memory whatever the file's size).
 * A line that is not JSON is a truncated or corrupt file: the caller decides (TruncatedResultsError).
 */
export async function* jsonlLines(body: ReadableStream<Uint8Array> | null, onBadLine: (line: string) => never): AsyncGenerator<unknown> {
  if (!body) return;
  const lines = createInterface({ input: Readable.fromWeb(body as Parameters<typeof Readable.fromWeb>[0]), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      onBadLine(line);
    }
    yield parsed;
  }
}
