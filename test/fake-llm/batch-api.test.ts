import { describe, expect, it } from "vitest";
import { buildPrompt } from "../../src/jobs/build-prompt.js";
import { anthropicClient, classifyJob, LABELS, openAiClient, useFakeLlm } from "../helpers/fake-llm/sdk-clients.js";
import {
  anthropicRequest,
  anthropicResults,
  fileLines,
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
