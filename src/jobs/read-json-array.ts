import JSONParser from "@streamparser/json/jsonparser.js";
import type { JobCandidate } from "./job-candidate.js";

/**
 * A `.json` file holding one array of jobs, parsed as it streams in (@streamparser/json emits each
 * element as soon as it closes, and keeps no copy of the array), so a large export does not need
 * the whole text in memory at once. `line` of each candidate is the element's position (1-based).
 * A syntax error ends the file there: the elements before it are kept, and one rejected entry says
 * where it broke.
 */
export async function parseJsonArrayStream(
  chunks: AsyncIterable<Uint8Array>,
  toJob: (value: Record<string, unknown>) => Record<string, unknown>,
): Promise<JobCandidate[]> {
  const candidates: JobCandidate[] = [];
  let broken: Error | undefined;
  let sawArray = false;
  const parser = new JSONParser({ paths: ["$.*"], keepStack: false });
  parser.onToken = () => {
    sawArray = true;
  };
  parser.onValue = ({ value, stack }) => {
    if (stack.length !== 1) return;
    const element = candidates.length + 1;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      candidates.push({ line: element, parseError: "an array element must be one JSON object (a job)" });
    } else {
      candidates.push({ line: element, job: toJob(value as Record<string, unknown>) });
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
  }
  // The parser ends by itself when the array closes; end() then would be an error.
  if (!broken && !parser.isEnded) {
    try {
      parser.end();
    } catch (error) {
      broken = error as Error;
    }
  }
  if (broken) {
    candidates.push({
      line: candidates.length + 1,
      parseError: `not valid JSON after element ${candidates.length} of the array, so the rest cannot be read: ${broken.message}`,
    });
  }
  if (!sawArray) return [{ line: 1, parseError: "empty file: expected a JSON array of jobs" }];
  return candidates;
}
