import type { FakeCompletion } from "./completion.js";
import type { FakeRequest } from "./request.js";

/** One provider's wire format: how a request body reads and how answers and errors are written. */
export interface WireProtocol {
  readonly name: "openai" | "anthropic";
  /** Header the SDK reads the request id from (surfaced as `requestID` / `_request_id`). */
  readonly requestIdHeader: string;
  parseRequest(body: unknown): { ok: true; request: FakeRequest } | { ok: false; message: string };
  success(request: FakeRequest, completion: FakeCompletion, id: string): unknown;
  error(status: number, message: string, requestId: string): unknown;
}

/** Text of a message content: a plain string, or the text parts of a content-part array (others ignored). */
export function contentText(content: string | { type: string; text?: string | undefined }[] | null | undefined): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content
    .filter((part) => part.type === "text")
    .map((part) => part.text ?? "")
    .join("");
}
