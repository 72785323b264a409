import type { IncomingMessage, ServerResponse } from "node:http";
import type { BatchStore, StoredFile } from "./batch-store.js";
import { BodyTooLargeError, readBodyBytes, sendJson } from "./http-util.js";
import { openAiProtocol } from "./openai-protocol.js";
import { resultsByteLength, sendResultsFile } from "./results-file.js";

/** OpenAI Files (`/v1/files`): upload (multipart, as `client.files.create` sends it), retrieve, content. */

/** The Files API's own cap on one upload; the Batch API then allows at most 200 MB of it. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/** Batch files expire 30 days after upload by default. */
const FILE_TTL_S = 30 * 24 * 60 * 60;

export interface OpenAiFileDeps {
  store: BatchStore;
  now: () => number;
  nextRequestId: () => string;
}

export function sendOpenAiError(res: ServerResponse, status: number, message: string, requestId: string): void {
  sendJson(res, status, openAiProtocol.error(status, message, requestId), { [openAiProtocol.requestIdHeader]: requestId });
}

export async function createFile(deps: OpenAiFileDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = deps.nextRequestId();
  const contentType = req.headers["content-type"] ?? "";
  if (!contentType.startsWith("multipart/form-data")) {
    return sendOpenAiError(res, 400, "file uploads must be multipart/form-data", requestId);
  }
  let raw: Buffer;
  try {
    raw = await readBodyBytes(req, MAX_UPLOAD_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendOpenAiError(res, 413, error.message, requestId);
    throw error;
  }
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
  } catch (error) {
    return sendOpenAiError(res, 400, `unreadable multipart body: ${(error as Error).message}`, requestId);
  }
  const purpose = form.get("purpose");
  const file = form.get("file");
  if (typeof purpose !== "string" || purpose === "") return sendOpenAiError(res, 400, "missing required parameter: purpose", requestId);
  if (file === null || typeof file === "string") return sendOpenAiError(res, 400, "missing required parameter: file", requestId);
  const stored: StoredFile = {
    id: deps.store.id("file-"),
    filename: file.name || "upload",
    purpose,
    createdAtMs: deps.now(),
    content: Buffer.from(await file.arrayBuffer()),
  };
  deps.store.files.set(stored.id, stored);
  sendJson(res, 200, fileObject(stored), { [openAiProtocol.requestIdHeader]: requestId });
}

export function retrieveFile(deps: OpenAiFileDeps, id: string, res: ServerResponse): void {
  const requestId = deps.nextRequestId();
  const file = deps.store.files.get(id);
  if (!file) return sendOpenAiError(res, 404, `No such File object: ${id}`, requestId);
  sendJson(res, 200, fileObject(file), { [openAiProtocol.requestIdHeader]: requestId });
}

export async function fileContent(deps: OpenAiFileDeps, id: string, res: ServerResponse): Promise<void> {
  const requestId = deps.nextRequestId();
  const file = deps.store.files.get(id);
  if (!file) return sendOpenAiError(res, 404, `No such File object: ${id}`, requestId);
  const headers = { [openAiProtocol.requestIdHeader]: requestId };
  if (file.results) return sendResultsFile(res, file.results.render(), headers);
  const content = file.content ?? Buffer.alloc(0);
  res.writeHead(200, { ...headers, "content-type": "application/octet-stream", "content-length": content.length });
  res.end(content);
}

export function fileObject(file: StoredFile) {
  const createdAt = Math.floor(file.createdAtMs / 1000);
  return {
    id: file.id,
    object: "file",
    bytes: fileBytes(file),
    created_at: createdAt,
    expires_at: createdAt + FILE_TTL_S,
    filename: file.filename,
    purpose: file.purpose,
    status: "processed",
    status_details: null,
  };
}

function fileBytes(file: StoredFile): number {
  if (!file.results) return file.content?.length ?? 0;
  // Results files are final once created (the batch has ended): measure once.
  file.results.bytes ??= resultsByteLength(file.results.render());
  return file.results.bytes;
}
