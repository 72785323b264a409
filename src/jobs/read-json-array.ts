import JSONParser from "@streamparser/json/jsonparser.js";
import type { JobCandidate } from "./job-candidate.js";

/**
 * A `.json` file holding one array of jobs, parsed as it streams in (@streamparser/json emits each
 * element as soon as it closes, and keeps no copy of the array), so memory is one chunk plus one
 * element whatever the file's size. `line` of each candidate is the element's position (1-based).
 * A syntax error ends the file there: the elements before it are kept, and one rejected entry says
 * where it broke.
 */
export async function* streamJsonArray(
  chunks: AsyncIterable<Uint8Array>,
  toJob: (value: Record<string, unknown>) => Record<string, unknown>,
): AsyncGenerator<JobCandidate> {
  // The parser calls back while write() runs; the elements of one chunk wait here to be yielded.
  const ready: JobCandidate[] = [];
  let elements = 0;
  let broken: Error | undefined;
  let sawArray = false;
  const parser = new JSONParser({ paths: ["$.*"], keepStack: false });
  parser.onToken = () => {
    sawArray = true;
  };
  parser.onValue = ({ value, stack }) => {
    if (stack.length !== 1) return;
    const element = ++elements;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      ready.push({ line: element, parseError: "an array element must be one JSON object (a job)" });
    } else {
      ready.push({ line: element, job: toJob(value as Record<string, unknown>) });
    }
  };
  parser.onError = (error) => {
    broken ??= error;
  };
  for await (const chunk of chunks) {
    if (broken) break;
    try {
      parser.write(chunk);
    } catch (error) {
      broken ??= error as Error;
    }
    yield* ready.splice(0);
  }
  // The parser ends by itself when the array closes; end() then would be an error.
  if (!broken && !parser.isEnded) {
    try {
      parser.end();
    } catch (error) {
      broken = error as Error;
    }
  }
  yield* ready.splice(0);
  if (!sawArray) {
    yield { line: 1, parseError: "empty file: expected a JSON array of jobs" };
    return;
  }
  if (broken) {
    yield {
      line: elements + 1,
      parseError: `not valid JSON after element ${elements} of the array, so the rest cannot be read: ${broken.message}`,
    };
  }
}
