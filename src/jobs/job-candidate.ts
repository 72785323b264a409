/** A job as read from a file or handed to the API, with where it came from, for error reports. */
export interface JobCandidate {
  /** 1-based line (JSONL) or row (CSV) number; the array index + 1 for API calls. */
  line: number;
  job?: unknown;
  /** Set when the line could not even be parsed. */
  parseError?: string;
}
