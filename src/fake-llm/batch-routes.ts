import type { IncomingMessage, ServerResponse } from "node:http";
import {
  anthropicBatchResults,
  cancelAnthropicBatch,
  createAnthropicBatch,
  listAnthropicBatches,
  retrieveAnthropicBatch,
} from "./anthropic-batches.js";
import { BatchRunner, type BatchContext } from "./batch-processing.js";
import { BatchStore } from "./batch-store.js";
import { cancelOpenAiBatch, createOpenAiBatch, listOpenAiBatches, retrieveOpenAiBatch } from "./openai-batches.js";
import { createFile, fileContent, retrieveFile } from "./openai-files.js";

/** The batch APIs of both providers (OpenAI files and batches, Anthropic message batches), routed by method and path. */
export interface BatchRoutes {
  /** False when the request is not for a batch route (the caller answers it). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Stops the batches' timers. */
  close(): void;
}

type Handler = (id: string, req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void | Promise<void>;

export function createBatchRoutes(now: () => number, context: () => BatchContext): BatchRoutes {
  const store = new BatchStore();
  const runner = new BatchRunner(now, context);
  let requests = 0;
  const nextRequestId = () => `req_fakebatch${String(++requests).padStart(8, "0")}`;
  const deps = { store, runner, now, context, nextRequestId };

  const routes: [method: string, path: RegExp, handler: Handler][] = [
    ["POST", /^\/v1\/files$/, (_, req, res) => createFile(deps, req, res)],
    ["GET", /^\/v1\/files\/([^/]+)$/, (id, _, res) => retrieveFile(deps, id, res)],
    ["GET", /^\/v1\/files\/([^/]+)\/content$/, (id, _, res) => fileContent(deps, id, res)],
    ["POST", /^\/v1\/batches$/, (_, req, res) => createOpenAiBatch(deps, req, res)],
    ["GET", /^\/v1\/batches$/, (_, __, res, query) => listOpenAiBatches(deps, query, res)],
    ["GET", /^\/v1\/batches\/([^/]+)$/, (id, _, res) => retrieveOpenAiBatch(deps, id, res)],
    ["POST", /^\/v1\/batches\/([^/]+)\/cancel$/, (id, _, res) => cancelOpenAiBatch(deps, id, res)],
    ["POST", /^\/v1\/messages\/batches$/, (_, req, res) => createAnthropicBatch(deps, req, res)],
    ["GET", /^\/v1\/messages\/batches$/, (_, req, res, query) => listAnthropicBatches(deps, query, req, res)],
    ["GET", /^\/v1\/messages\/batches\/([^/]+)$/, (id, req, res) => retrieveAnthropicBatch(deps, id, req, res)],
    ["GET", /^\/v1\/messages\/batches\/([^/]+)\/results$/, (id, _, res) => anthropicBatchResults(deps, id, res)],
    ["POST", /^\/v1\/messages\/batches\/([^/]+)\/cancel$/, (id, req, res) => cancelAnthropicBatch(deps, id, req, res)],
  ];

  return {
    async handle(req, res) {
      const url = new URL(req.url ?? "/", "http://fake");
      for (const [method, path, handler] of routes) {
        if (req.method !== method) continue;
        const match = path.exec(url.pathname);
        if (!match) continue;
        await handler(decodeURIComponent(match[1] ?? ""), req, res, url.searchParams);
        return true;
      }
      return false;
    },
    close: () => runner.close(),
  };
}
