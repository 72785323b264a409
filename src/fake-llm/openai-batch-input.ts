import type { BatchItem } from "./batch-job.js";
import type { BatchLimits } from "./batch-scenario.js";
import { openAiProtocol } from "./openai-protocol.js";

/**
 * Reads an OpenAI batch input file: one `{custom_id, method: "POST", url, body}` per line, all for
 * `endpoint`, one model, unique custom_ids, within the limits. A broken file is refused as a whole
 * (the real API fails such a batch at validation); a line whose `body` is not a valid request is
 * kept and comes back as a per-item 400, as the real API reports it.
 */
export type ParsedInput = { ok: true; model: string; items: BatchItem[] } | { ok: false; message: string };

export function parseOpenAiBatchInput(content: Buffer, endpoint: string, limits: BatchLimits): ParsedInput {
  if (content.length > limits.openaiMaxBytes) {
    return { ok: false, message: `input file is ${content.length} bytes; a batch file may be at most ${limits.openaiMaxBytes} bytes` };
  }
  const lines = content.toString("utf8").split("\n");
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  if (lines.length === 0) return { ok: false, message: "input file has no requests" };
  if (lines.length > limits.openaiMaxRequests) {
    return { ok: false, message: `input file has ${lines.length} requests; a batch may have at most ${limits.openaiMaxRequests}` };
  }
  const items: BatchItem[] = [];
  const seen = new Set<string>();
  let model: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const where = `line ${i + 1}`;
    let line: unknown;
    try {
      line = JSON.parse(lines[i]!);
    } catch {
      return { ok: false, message: `${where}: not valid JSON` };
    }
    if (typeof line !== "object" || line === null) return { ok: false, message: `${where}: not a JSON object` };
    const { custom_id: customId, method, url, body } = line as Record<string, unknown>;
    if (typeof customId !== "string" || customId === "") return { ok: false, message: `${where}: custom_id must be a non-empty string` };
    if (seen.has(customId)) return { ok: false, message: `${where}: duplicate custom_id ${customId}` };
    seen.add(customId);
    if (method !== "POST") return { ok: false, message: `${where}: method must be POST` };
    if (url !== endpoint) return { ok: false, message: `${where}: url ${String(url)} does not match the batch endpoint ${endpoint}` };
    if (typeof body !== "object" || body === null) return { ok: false, message: `${where}: body must be an object` };
    const lineModel = (body as Record<string, unknown>).model;
    if (typeof lineModel !== "string" || lineModel === "") return { ok: false, message: `${where}: body.model must be a non-empty string` };
    model ??= lineModel;
    if (lineModel !== model) {
      return { ok: false, message: `${where}: model ${lineModel} differs from ${model}; a batch file may use one model only` };
    }
    const parsed = openAiProtocol.parseRequest(body);
    items.push(
      parsed.ok
        ? { customId, model: lineModel, request: parsed.request }
        : { customId, model: lineModel, request: undefined, invalidParams: parsed.message },
    );
  }
  return { ok: true, model: model!, items };
}
