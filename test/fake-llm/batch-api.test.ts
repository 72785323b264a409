import { describe, expect, it } from "vitest";
import { buildPrompt } from "../../src/jobs/build-prompt.js";
import { anthropicClient, caught, classifyJob, LABELS, openAiClient, useFakeLlm } from "../helpers/fake-llm/sdk-clients.js";
import {
  anthropicRequest,
  anthropicResults,
  fileLines,
  manualClock,
  openAiLine,
  uploadLines,
  waitAnthropicBatch,
  waitOpenAiBatch,
} from "../helpers/fake-llm/batches.js";

interface OutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: Record<string, unknown> } | null;
  error: { code: string; message: string } | null;
}

const tickets = ["I was charged twice on my billing statement", "the app crashed on start", "please add an export feature"];

describe("fake LLM batch APIs over the official SDKs", () => {
  const start = useFakeLlm();

  it("OpenAI: upload, create, poll, download the output file", async () => {
    const fake = await start({ models: { "*": { batchLatencyMs: 50 } } });
    const client = openAiClient(fake);
    const file = await uploadLines(
      client,
      tickets.map((t, i) => openAiLine(`item-${i}`, "gpt-4o-mini", t)),
    );
    expect(file).toMatchObject({ object: "file", purpose: "batch", filename: "batch.jsonl", status: "processed" });
    expect((await client.files.retrieve(file.id)).bytes).toBe(file.bytes);

    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
      metadata: { submission: "s-1" },
    });
    expect(created).toMatchObject({ object: "batch", status: "validating", metadata: { submission: "s-1" }, input_file_id: file.id });

    const ended = await waitOpenAiBatch(client, created.id);
    expect(ended.status).toBe("completed");
    expect(ended.request_counts).toEqual({ total: 3, completed: 3, failed: 0 });
    expect(ended.error_file_id).toBeNull();
    const lines = await fileLines<OutputLine>(client, ended.output_file_id);
    expect(lines.map((l) => l.custom_id).sort()).toEqual(["item-0", "item-1", "item-2"]);
    const first = lines.find((l) => l.custom_id === "item-0")!;
    expect(first.error).toBeNull();
    expect(first.response!.status_code).toBe(200);
    const body = first.response!.body as { choices: { message: { content: string } }[]; usage: { prompt_tokens: number } };
    expect(body.choices[0]!.message.content).toBe("billing");
    const prompt = buildPrompt(classifyJob(tickets[0]!));
    expect(body.usage.prompt_tokens).toBe(Math.ceil((prompt.system.length + prompt.messages[0]!.content.length) / 4));

    const stats = fake.stats().models["gpt-4o-mini"]!;
    expect(stats.batch).toMatchObject({ created: 1, items: 3, billed: 3, errored: 0, expired: 0, canceled: 0 });
    expect(stats.calls).toBe(0);
  });

  it("Anthropic: create, poll, results from results_url", async () => {
    const fake = await start({ models: { "*": { batchLatencyMs: 50 } } });
    const client = anthropicClient(fake);
    const created = await client.messages.batches.create({
      requests: tickets.map((t, i) => anthropicRequest(`item-${i}`, "claude-haiku-4-5", t)),
    });
    expect(created).toMatchObject({ type: "message_batch", processing_status: "in_progress", results_url: null });
    expect(created.request_counts).toEqual({ processing: 3, succeeded: 0, errored: 0, canceled: 0, expired: 0 });

    const ended = await waitAnthropicBatch(client, created.id);
    expect(ended.request_counts).toEqual({ processing: 0, succeeded: 3, errored: 0, canceled: 0, expired: 0 });
    expect(ended.results_url).toBe(`${fake.url}/v1/messages/batches/${created.id}/results`);
    const results = await anthropicResults(client, created.id);
    expect(results.map((r) => r.custom_id).sort()).toEqual(["item-0", "item-1", "item-2"]);
    for (const entry of results) {
      expect(entry.result.type).toBe("succeeded");
      if (entry.result.type !== "succeeded") continue;
      const text = entry.result.message.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      expect(LABELS).toContain(text);
      expect(entry.result.message.usage.output_tokens).toBeGreaterThan(0);
    }
    expect(fake.stats().models["claude-haiku-4-5"]!.batch).toMatchObject({ created: 1, items: 3, billed: 3 });
  });
});

describe("fake LLM batch items: errors, invalid answers, caching", () => {
  const start = useFakeLlm();
  const prompts = Array.from({ length: 40 }, (_, i) => `ticket ${i}: the app crashed while paying my bill`);
  const mixed = { seed: 3, models: { "*": { errors: { "500": 0.2, "429": 0.1, timeout: 0.05 }, invalidRate: 0.2 } } };

  it("OpenAI: HTTP errors in the error file, answers (invalid ones too) in the output file, billed = answers", async () => {
    const fake = await start(mixed);
    const client = openAiClient(fake);
    const file = await uploadLines(
      client,
      prompts.map((p, i) => openAiLine(`c${i}`, "gpt-4o-mini", p)),
    );
    const batch = await waitOpenAiBatch(
      client,
      (await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" })).id,
    );
    const output = await fileLines<OutputLine>(client, batch.output_file_id);
    const errors = await fileLines<OutputLine>(client, batch.error_file_id);
    expect(output.length + errors.length).toBe(40);
    expect(new Set([...output, ...errors].map((l) => l.custom_id)).size).toBe(40);
    expect(batch.request_counts).toEqual({ total: 40, completed: output.length, failed: errors.length });

    const statuses = errors.map((l) => l.response?.status_code ?? l.error!.code);
    expect(new Set(statuses)).toEqual(new Set([500, 429, "request_timeout"]));
    const http = errors.find((l) => l.response)!;
    expect(http.response!.body).toMatchObject({ error: { type: expect.any(String), message: expect.stringMatching(/simulated/) } });
    const invalid = output.filter((l) => {
      const body = l.response!.body as { choices: { message: { content: string } }[] };
      return !LABELS.includes(body.choices[0]!.message.content);
    });
    expect(invalid.length).toBeGreaterThan(0);

    const stats = fake.stats().models["gpt-4o-mini"]!.batch;
    expect(stats).toMatchObject({
      items: 40,
      billed: output.length,
      invalid: invalid.length,
      errored: errors.length,
      expired: 0,
      canceled: 0,
    });
    const usage = output.reduce((sum, l) => sum + (l.response!.body as { usage: { prompt_tokens: number } }).usage.prompt_tokens, 0);
    expect(stats.inputTokens).toBe(usage);
    expect(batch.usage!.input_tokens).toBe(usage);
  });

  it("Anthropic: errored items carry the error type; bad params come back errored per item", async () => {
    const fake = await start(mixed);
    const client = anthropicClient(fake);
    const requests = prompts.map((p, i) => anthropicRequest(`c${i}`, "claude-haiku-4-5", p));
    const noMaxTokens = { custom_id: "bad", params: { model: "claude-haiku-4-5", messages: [{ role: "user", content: "hi" }] } };
    const created = await client.messages.batches.create({ requests: [...requests, noMaxTokens] as never });
    const ended = await waitAnthropicBatch(client, created.id);
    const results = await anthropicResults(client, created.id);
    expect(results).toHaveLength(41);
    const byType = (type: string) => results.filter((r) => r.result.type === type);
    expect(ended.request_counts).toEqual({
      processing: 0,
      succeeded: byType("succeeded").length,
      errored: byType("errored").length,
      canceled: 0,
      expired: 0,
    });
    const errorTypes = new Set(byType("errored").map((r) => (r.result.type === "errored" ? r.result.error.error.type : "")));
    expect(errorTypes).toEqual(new Set(["api_error", "rate_limit_error", "timeout_error", "invalid_request_error"]));
    const bad = results.find((r) => r.custom_id === "bad")!;
    expect(bad.result).toMatchObject({ type: "errored", error: { type: "error", error: { type: "invalid_request_error" } } });
    expect(fake.stats().models["claude-haiku-4-5"]!.batch).toMatchObject({
      items: 41,
      billed: byType("succeeded").length,
      errored: byType("errored").length,
    });
  });

  it("Anthropic: prompt caching works inside a batch (one write, then reads)", async () => {
    const fake = await start({ models: { "*": { cacheMinTokens: 10 } } });
    const client = anthropicClient(fake);
    const system = "You are a support classifier. Answer with one label only: billing, bug or feature_request. ".repeat(3);
    const requests = tickets.map((t, i) => ({
      custom_id: `c${i}`,
      params: {
        model: "claude-haiku-4-5",
        max_tokens: 50,
        system: [{ type: "text" as const, text: system, cache_control: { type: "ephemeral" as const } }],
        messages: [{ role: "user" as const, content: t }],
      },
    }));
    const created = await client.messages.batches.create({ requests });
    await waitAnthropicBatch(client, created.id);
    const results = await anthropicResults(client, created.id);
    const usage = results.map((r) => (r.result.type === "succeeded" ? r.result.message.usage : undefined)!);
    const prefix = Math.ceil(system.length / 4);
    expect(usage.map((u) => u.cache_creation_input_tokens).sort()).toEqual([0, 0, prefix]);
    expect(usage.map((u) => u.cache_read_input_tokens).sort()).toEqual([0, prefix, prefix]);
    expect(fake.stats().models["claude-haiku-4-5"]!.batch).toMatchObject({ cacheWriteTokens: prefix, cacheReadTokens: 2 * prefix });
  });
});

describe("fake LLM batches: cancel and expiry", () => {
  const start = useFakeLlm();
  const ten = Array.from({ length: 10 }, (_, i) => `ticket number ${i}`);
  // 100 s of processing on a hand-moved clock: items fall due from 5 s to 90 s, 8.5 s apart.
  const slow = { models: { "*": { batchLatencyMs: 100_000, batchCancelMs: 1000 } } };

  it("OpenAI: a cancel keeps the answers already due and cancels the rest (batch_cancelled)", async () => {
    const clock = manualClock();
    const fake = await start(slow, clock.now);
    const client = openAiClient(fake);
    const file = await uploadLines(
      client,
      ten.map((p, i) => openAiLine(`c${i}`, "gpt-4o-mini", p)),
    );
    const created = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
    clock.advance(5000 + 85_000 * 0.5);
    expect(await client.batches.retrieve(created.id)).toMatchObject({ status: "in_progress", request_counts: { completed: 5 } });

    const cancelling = await client.batches.cancel(created.id);
    expect(cancelling.status).toBe("cancelling");
    clock.advance(1000);
    const cancelled = await client.batches.retrieve(created.id);
    expect(cancelled).toMatchObject({ status: "cancelled", request_counts: { total: 10, completed: 5, failed: 5 } });
    expect(cancelled.cancelled_at).toBe(cancelled.cancelling_at! + 1);
    // Validating for the first 5% of the 100 s; never finalizing, as the cancel came first.
    expect([cancelled.in_progress_at, cancelled.finalizing_at]).toEqual([cancelled.created_at + 5, null]);
    expect((await fileLines<OutputLine>(client, cancelled.output_file_id)).length).toBe(5);
    const errors = await fileLines<OutputLine>(client, cancelled.error_file_id);
    expect(errors.map((l) => l.error!.code)).toEqual(Array(5).fill("batch_cancelled"));
    expect(fake.stats().models["gpt-4o-mini"]!.batch).toMatchObject({ billed: 5, canceled: 5 });
    // Cancelling an ended batch is refused.
    expect(await caught(client.batches.cancel(created.id))).toMatchObject({ status: 409 });
  });

  it("Anthropic: cancel mid-way gives succeeded and canceled results", async () => {
    const clock = manualClock();
    const fake = await start(slow, clock.now);
    const client = anthropicClient(fake);
    const created = await client.messages.batches.create({ requests: ten.map((p, i) => anthropicRequest(`c${i}`, "claude-haiku-4-5", p)) });
    clock.advance(5000 + 85_000 * 0.3);
    const canceling = await client.messages.batches.cancel(created.id);
    expect(canceling).toMatchObject({ processing_status: "canceling", results_url: null });
    expect(canceling.cancel_initiated_at).toBe(new Date(clock.now()).toISOString());
    clock.advance(1000);
    const ended = await client.messages.batches.retrieve(created.id);
    expect(ended.request_counts).toEqual({ processing: 0, succeeded: 3, errored: 0, canceled: 7, expired: 0 });
    const results = await anthropicResults(client, created.id);
    expect(results.filter((r) => r.result.type === "canceled")).toHaveLength(7);
    expect(fake.stats().models["claude-haiku-4-5"]!.batch).toMatchObject({ billed: 3, canceled: 7 });
  });

  it("an expiring batch leaves batchExpireFraction of its items unfinished and unbilled", async () => {
    const fake = await start({ models: { "*": { batchExpireRate: 1, batchExpireFraction: 0.3 } } });
    const openai = openAiClient(fake);
    const file = await uploadLines(
      openai,
      ten.map((p, i) => openAiLine(`c${i}`, "gpt-4o-mini", p)),
    );
    const expired = await waitOpenAiBatch(
      openai,
      (await openai.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" })).id,
    );
    expect(expired).toMatchObject({ status: "expired", request_counts: { total: 10, completed: 7, failed: 3 } });
    expect(expired.expired_at).toEqual(expect.any(Number));
    const errors = await fileLines<OutputLine>(openai, expired.error_file_id);
    expect(errors.map((l) => l.error!.code)).toEqual(["batch_expired", "batch_expired", "batch_expired"]);

    const anthropic = anthropicClient(fake);
    const created = await anthropic.messages.batches.create({
      requests: ten.map((p, i) => anthropicRequest(`c${i}`, "claude-haiku-4-5", p)),
    });
    const ended = await waitAnthropicBatch(anthropic, created.id);
    expect(ended.request_counts).toMatchObject({ succeeded: 7, expired: 3 });
    expect(fake.stats().models["gpt-4o-mini"]!.batch).toMatchObject({ billed: 7, expired: 3 });
    expect(fake.stats().models["claude-haiku-4-5"]!.batch).toMatchObject({ billed: 7, expired: 3 });
  });
});

describe("fake LLM batches: lists", () => {
  const start = useFakeLlm();

  it("OpenAI: newest first, paged with limit and after (the SDK's auto-pagination)", async () => {
    const fake = await start();
    const client = openAiClient(fake);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const file = await uploadLines(client, [openAiLine("only", "gpt-4o-mini", `ticket ${i}`)]);
      ids.push((await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" })).id);
    }
    const page = await client.batches.list({ limit: 2 });
    expect(page.data.map((b) => b.id)).toEqual([ids[4], ids[3]]);
    expect(page.has_more).toBe(true);
    const all: string[] = [];
    for await (const batch of client.batches.list({ limit: 2 })) all.push(batch.id);
    expect(all).toEqual([...ids].reverse());
    expect(await caught(client.batches.list({ after: "batch_nope" }))).toMatchObject({ status: 400 });
  });

  it("Anthropic: newest first, after_id pages older, before_id pages newer, first_id/last_id", async () => {
    const fake = await start();
    const client = anthropicClient(fake);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await client.messages.batches.create({ requests: [anthropicRequest("only", "claude-haiku-4-5", `ticket ${i}`)] })).id);
    }
    const newest = [...ids].reverse();
    const first = await client.messages.batches.list({ limit: 2 });
    expect(first.data.map((b) => b.id)).toEqual(newest.slice(0, 2));
    expect(first).toMatchObject({ has_more: true, first_id: newest[0], last_id: newest[1] });
    const second = await first.getNextPage();
    expect(second.data.map((b) => b.id)).toEqual(newest.slice(2, 4));
    const back = await client.messages.batches.list({ limit: 2, before_id: second.first_id! });
    expect(back.data.map((b) => b.id)).toEqual(newest.slice(0, 2));
    expect(back.has_more).toBe(false);
    const all: string[] = [];
    for await (const batch of client.messages.batches.list({ limit: 2 })) all.push(batch.id);
    expect(all).toEqual(newest);
  });
});
