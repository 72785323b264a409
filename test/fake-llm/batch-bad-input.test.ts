import { APIError } from "openai";
import { describe, expect, it } from "vitest";
import { anthropicClient, caught, openAiClient, useFakeLlm } from "../helpers/fake-llm/sdk-clients.js";
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

const three = ["first ticket", "second ticket", "third ticket"];
const createFrom = (client: ReturnType<typeof openAiClient>, fileId: string) =>
  client.batches.create({ input_file_id: fileId, endpoint: "/v1/chat/completions", completion_window: "24h" });

describe("fake LLM batches: bad input knobs for the batch lane's tests", () => {
  const start = useFakeLlm();

  it("batchUnknownResults adds result lines for custom_ids nobody sent", async () => {
    const fake = await start({ models: { "*": { batchUnknownResults: 1 } } });
    const openai = openAiClient(fake);
    const file = await uploadLines(
      openai,
      three.map((p, i) => openAiLine(`c${i}`, "gpt-4o-mini", p)),
    );
    const batch = await waitOpenAiBatch(openai, (await createFrom(openai, file.id)).id);
    const ids = (await fileLines<{ custom_id: string }>(openai, batch.output_file_id)).map((l) => l.custom_id);
    expect(ids).toHaveLength(4);
    expect(ids.filter((id) => id.startsWith("fake-unknown-"))).toHaveLength(1);

    const anthropic = anthropicClient(fake);
    const created = await anthropic.messages.batches.create({
      requests: three.map((p, i) => anthropicRequest(`c${i}`, "claude-haiku-4-5", p)),
    });
    await waitAnthropicBatch(anthropic, created.id);
    const results = await anthropicResults(anthropic, created.id);
    expect(results.filter((r) => r.custom_id.startsWith("fake-unknown-"))).toHaveLength(1);
    // Not billed: nobody asked for it.
    expect(fake.stats().models["claude-haiku-4-5"]!.batch).toMatchObject({ items: 3, billed: 3 });
  });

  it("batchTruncateResults cuts the results mid-line", async () => {
    const fake = await start({ models: { "*": { batchTruncateResults: true } } });
    const openai = openAiClient(fake);
    const file = await uploadLines(
      openai,
      three.map((p, i) => openAiLine(`c${i}`, "gpt-4o-mini", p)),
    );
    const batch = await waitOpenAiBatch(openai, (await createFrom(openai, file.id)).id);
    const text = await (await openai.files.content(batch.output_file_id!)).text();
    const lines = text.split("\n");
    expect(lines).toHaveLength(2);
    expect(() => JSON.parse(lines[0]!) as unknown).not.toThrow();
    expect(() => JSON.parse(lines[1]!) as unknown).toThrow(SyntaxError);
    // The file object reports the truncated size.
    expect((await openai.files.retrieve(batch.output_file_id!)).bytes).toBe(Buffer.byteLength(text));

    const anthropic = anthropicClient(fake);
    const created = await anthropic.messages.batches.create({
      requests: three.map((p, i) => anthropicRequest(`c${i}`, "claude-haiku-4-5", p)),
    });
    await waitAnthropicBatch(anthropic, created.id);
    expect(await caught(anthropicResults(anthropic, created.id))).toBeInstanceOf(SyntaxError);
  });

  it("batchCreateErrors: the first N creates answer 5xx and create nothing; afterCreate creates all the same", async () => {
    const fake = await start({
      models: {
        "gpt-4o-mini": { batchCreateErrors: { first: 2, status: 503 } },
        "gpt-4.1": { batchCreateErrors: { first: 1, afterCreate: true } },
      },
    });
    const client = openAiClient(fake);
    const file = await uploadLines(client, [openAiLine("c0", "gpt-4o-mini", "hello")]);
    for (let i = 0; i < 2; i++) {
      const error = await caught(createFrom(client, file.id));
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(503);
    }
    expect((await client.batches.list()).data).toHaveLength(0);
    const third = await createFrom(client, file.id);
    expect((await client.batches.list()).data.map((b) => b.id)).toEqual([third.id]);

    const other = await uploadLines(client, [openAiLine("c0", "gpt-4.1", "hello")]);
    expect(await caught(createFrom(client, other.id))).toMatchObject({ status: 500 });
    // The lost response: the batch exists, findable by list.
    const listed = (await client.batches.list()).data;
    expect(listed).toHaveLength(2);
    expect(listed[0]!.model).toBe("gpt-4.1");
    expect(fake.stats().models["gpt-4.1"]!.batch.created).toBe(1);

    const failing = await start({ models: { "*": { batchCreateErrors: { rate: 1, status: 529 } } } });
    const anthropic = anthropicClient(failing);
    expect(await caught(anthropic.messages.batches.create({ requests: [anthropicRequest("c0", "m", "hi")] }))).toMatchObject({
      status: 529,
    });
    expect((await anthropic.messages.batches.list()).data).toHaveLength(0);
  });

  it("misbehave bends batch results too: usage bent or dropped, a line that is not JSON", async () => {
    const fake = await start({
      models: {
        "gpt-4o-mini": { misbehave: "huge_usage" },
        "claude-haiku-4-5": { misbehave: "no_usage" },
        html: { misbehave: "not_json" },
      },
    });
    const openai = openAiClient(fake);
    const file = await uploadLines(openai, [openAiLine("c0", "gpt-4o-mini", "hi")]);
    const batch = await waitOpenAiBatch(openai, (await createFrom(openai, file.id)).id);
    const [line] = await fileLines<{ response: { body: { usage: { prompt_tokens: number } } } }>(openai, batch.output_file_id);
    expect(line!.response.body.usage.prompt_tokens).toBe(3_000_000_000);

    const anthropic = anthropicClient(fake);
    const created = await anthropic.messages.batches.create({ requests: [anthropicRequest("c0", "claude-haiku-4-5", "hi")] });
    await waitAnthropicBatch(anthropic, created.id);
    const [entry] = await anthropicResults(anthropic, created.id);
    expect(entry!.result.type === "succeeded" && "usage" in entry!.result.message).toBe(false);

    const html = await uploadLines(openai, [openAiLine("c0", "html", "hi")]);
    const htmlBatch = await waitOpenAiBatch(openai, (await createFrom(openai, html.id)).id);
    const text = await (await openai.files.content(htmlBatch.output_file_id!)).text();
    expect(text).toMatch(/^<html>/);
  });

  it("batchNeverEnds keeps a batch in progress until it is cancelled", async () => {
    const clock = manualClock();
    const fake = await start({ models: { "*": { batchNeverEnds: true } } }, clock.now);
    const openai = openAiClient(fake);
    const file = await uploadLines(
      openai,
      three.map((p, i) => openAiLine(`c${i}`, "gpt-4o-mini", p)),
    );
    const batch = await createFrom(openai, file.id);
    const anthropic = anthropicClient(fake);
    const message = await anthropic.messages.batches.create({ requests: [anthropicRequest("c0", "claude-haiku-4-5", "hi")] });
    clock.advance(48 * 60 * 60 * 1000);
    expect(await openai.batches.retrieve(batch.id)).toMatchObject({ status: "in_progress", request_counts: { completed: 0 } });
    expect(await anthropic.messages.batches.retrieve(message.id)).toMatchObject({ processing_status: "in_progress" });
    expect(await caught(anthropic.messages.batches.results(message.id))).toBeInstanceOf(Error);

    expect(await openai.batches.cancel(batch.id)).toMatchObject({ status: "cancelled", request_counts: { failed: 3 } });
    expect(await anthropic.messages.batches.cancel(message.id)).toMatchObject({
      processing_status: "ended",
      request_counts: { canceled: 1 },
    });
    expect(fake.stats().models["gpt-4o-mini"]!.batch).toMatchObject({ billed: 0, canceled: 3 });
  });
});

describe("fake LLM batches: the providers' limits", () => {
  const start = useFakeLlm();

  it("OpenAI refuses a file with two models, too many lines or too many bytes, with a 400", async () => {
    const fake = await start({ batchLimits: { openaiMaxRequests: 3, openaiMaxBytes: 4000 } });
    const client = openAiClient(fake);
    const mixed = await uploadLines(client, [openAiLine("a", "gpt-4o-mini", "x"), openAiLine("b", "gpt-4.1", "y")]);
    expect(await caught(createFrom(client, mixed.id))).toMatchObject({ status: 400, message: expect.stringMatching(/one model/) });

    const four = await uploadLines(
      client,
      ["a", "b", "c", "d"].map((id) => openAiLine(id, "gpt-4o-mini", id)),
    );
    expect(await caught(createFrom(client, four.id))).toMatchObject({ status: 400, message: expect.stringMatching(/at most 3/) });

    const big = await uploadLines(client, [openAiLine("a", "gpt-4o-mini", "x".repeat(5000))]);
    expect(await caught(createFrom(client, big.id))).toMatchObject({ status: 400, message: expect.stringMatching(/at most 4000 bytes/) });

    const twice = await uploadLines(client, [openAiLine("a", "gpt-4o-mini", "x"), openAiLine("a", "gpt-4o-mini", "y")]);
    expect(await caught(createFrom(client, twice.id))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/duplicate custom_id/),
    });

    const wrongPurpose = await client.files.create({ file: new File(["{}\n"], "x.jsonl"), purpose: "user_data" });
    expect(await caught(createFrom(client, wrongPurpose.id))).toMatchObject({ status: 400 });
    expect((await client.batches.list()).data).toHaveLength(0);
  });

  it("the real limits hold by default: 50,000 lines per OpenAI file, 100,000 Anthropic requests", async () => {
    const fake = await start();
    const openai = openAiClient(fake);
    // Counted before any line is read, so the lines may be minimal.
    const lines = Array.from({ length: 50_001 }, () => "{}").join("\n");
    const file = await openai.files.create({ file: new File([lines], "big.jsonl"), purpose: "batch" });
    expect(await caught(createFrom(openai, file.id))).toMatchObject({ status: 400, message: expect.stringMatching(/at most 50000/) });
    const request = anthropicRequest("x", "claude-haiku-4-5", "x");
    const requests = Array.from({ length: 100_001 }, (_, i) => ({ ...request, custom_id: `c${i}` }));
    expect(await caught(anthropicClient(fake).messages.batches.create({ requests }))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/at most 100000/),
    });
  });

  it("Anthropic refuses too many requests, duplicate or malformed custom_ids, with a 400", async () => {
    const fake = await start({ batchLimits: { anthropicMaxRequests: 2, anthropicMaxBytes: 5000 } });
    const client = anthropicClient(fake);
    const requests = ["a", "b", "c"].map((id) => anthropicRequest(id, "claude-haiku-4-5", id));
    expect(await caught(client.messages.batches.create({ requests }))).toMatchObject({ status: 400 });
    expect(await caught(client.messages.batches.create({ requests: [requests[0]!, requests[0]!] }))).toMatchObject({ status: 400 });
    expect(await caught(client.messages.batches.create({ requests: [{ ...requests[0]!, custom_id: "has space" }] }))).toMatchObject({
      status: 400,
    });
    const big = anthropicRequest("big", "claude-haiku-4-5", "x".repeat(6000));
    expect(await caught(client.messages.batches.create({ requests: [big] }))).toMatchObject({ status: 413 });
    expect((await client.messages.batches.list()).data).toHaveLength(0);
  });
});
