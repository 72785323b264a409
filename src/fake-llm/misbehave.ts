import type { ServerResponse } from "node:http";
import type { FakeCompletion } from "./completion.js";
import { sendJson } from "./http-util.js";

/**
 * Answers a real endpoint (or a proxy in front of it) may send on a 200, for testing the router's
 * checks at the provider boundary (scenario key `misbehave`, applied to every answer of the model):
 * - nul_answer: the answer's text contains U+0000, which Postgres text cannot hold;
 * - no_usage: the usage object is left out;
 * - negative_usage: every usage count is -5;
 * - huge_usage: every usage count is 3,000,000,000 (beyond a Postgres integer);
 * - not_json: a JSON content type over an HTML error page.
 */
export const MISBEHAVIOURS = ["nul_answer", "no_usage", "negative_usage", "huge_usage", "not_json"] as const;
export type Misbehaviour = (typeof MISBEHAVIOURS)[number];

export function misbehaveCompletion(completion: FakeCompletion, misbehave: Misbehaviour | undefined): FakeCompletion {
  if (misbehave !== "nul_answer") return completion;
  const middle = Math.floor(completion.text.length / 2);
  return { ...completion, text: `${completion.text.slice(0, middle)}\u0000${completion.text.slice(middle)}` };
}

/** Sends the protocol's `body`, bent as asked. */
export function sendMisbehaving(
  res: ServerResponse,
  body: unknown,
  headers: Record<string, string>,
  misbehave: Misbehaviour | undefined,
): void {
  if (misbehave === "not_json") {
    res.writeHead(200, { ...headers, "content-type": "application/json" });
    res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    return;
  }
  sendJson(res, 200, bendUsage(body, misbehave), headers);
}

/** Bends the `usage` of a rendered answer (in place) the way `misbehave` asks; batch results use it too. */
export function bendUsage<T>(body: T, misbehave: Misbehaviour | undefined): T {
  const shaped = body as { usage?: Record<string, unknown> };
  if (misbehave === "no_usage") delete shaped.usage;
  if ((misbehave === "negative_usage" || misbehave === "huge_usage") && shaped.usage) {
    const value = misbehave === "negative_usage" ? -5 : 3_000_000_000;
    for (const key of Object.keys(shaped.usage)) if (typeof shaped.usage[key] === "number") shaped.usage[key] = value;
  }
  return body;
}

/** What a batch results line becomes under `not_json`: an HTML error page where a JSON line should be. */
export const NOT_JSON_LINE = "<html><body><h1>502 Bad Gateway</h1></body></html>";
