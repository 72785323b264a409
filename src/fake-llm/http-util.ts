import type { IncomingMessage, ServerResponse } from "node:http";
import { RouterError } from "../errors/router-error.js";

/** Prompts may be up to 2M characters (job-schema MAX_PROMPT_CHARS); leave room for JSON escaping and multi-byte text. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export class BodyTooLargeError extends RouterError {
  override name = "BodyTooLargeError";
  constructor(message: string) {
    super("input", message);
  }
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return (await readBodyBytes(req, limit)).toString("utf8");
}

export async function readBodyBytes(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(`request body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Writes a JSON response unless the client already went away. */
/** A request's JSON body, or why it cannot be read: 413 over the limit, 400 for text that is not JSON. */
export async function readJsonBody(
  req: IncomingMessage,
  limit = MAX_BODY_BYTES,
): Promise<{ ok: true; body: unknown } | { ok: false; status: 400 | 413; message: string }> {
  try {
    return { ok: true, body: JSON.parse(await readBody(req, limit)) };
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { ok: false, status: 413, message: error.message };
    if (error instanceof SyntaxError) return { ok: false, status: 400, message: `request body is not valid JSON: ${error.message}` };
    throw error;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Resolves after `ms`, or as soon as the response closes (client gone, server closing): never holds a dead call. */
export function waitUnlessClosed(res: ServerResponse, ms: number): Promise<void> {
  if (ms <= 0 || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once("close", done);
  });
}
