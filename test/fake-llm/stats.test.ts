import { describe, expect, it } from "vitest";
import type { FakeStats } from "../../src/fake-llm/index.js";
import {
  anthropicClient,
  askAnthropic,
  askOpenAi,
  classifyJob,
  openAiClient,
  useFakeLlm,
  waitFor,
} from "../helpers/fake-llm/sdk-clients.js";

describe("fake LLM /stats", () => {
  const start = useFakeLlm();

  it("reports maxInFlight equal to the calls fired at once", async () => {
    // Latency only has to outlast the arrival of all five; the assertion is on counts, not time.
    const fake = await start({ models: { "*": { latencyMs: 250 } } });
    const client = openAiClient(fake);
    await Promise.all(Array.from({ length: 5 }, (_, i) => askOpenAi(client, "gpt-4o-mini", classifyJob(`ticket ${i}`))));
    await askOpenAi(client, "gpt-4o-mini", classifyJob("one more, alone"));

    const stats = (await (await fetch(`${fake.url}/stats`)).json()) as FakeStats;
    // Token counts are pinned down in prompt-cache.test.ts; here only the call gauges matter.
    expect(stats).toMatchObject({
      models: { "gpt-4o-mini": { calls: 6, inFlight: 0, maxInFlight: 5, errors: {}, invalid: 0 } },
      totalCalls: 6,
    });
  });

  it("counts a call in flight during its latency and zeroes on POST /stats/reset", async () => {
    const fake = await start({ models: { slow: { latencyMs: 60_000 } } });
    const client = anthropicClient(fake);
    const controller = new AbortController();
    const pending = askAnthropic(client, "fast", classifyJob("a")).then(() =>
      client.messages.create({ model: "slow", max_tokens: 10, messages: [{ role: "user", content: "b" }] }, { signal: controller.signal }),
    );
    await waitFor(() => fake.stats().models.slow?.inFlight === 1);

    const reset = await fetch(`${fake.url}/stats/reset`, { method: "POST" });
    expect(reset.status).toBe(200);
    // The open call survives the reset as a gauge, the counters start over.
    const zeroTokens = { inputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 };
    const noBatch = { created: 0, items: 0, billed: 0, invalid: 0, errored: 0, expired: 0, canceled: 0, outputTokens: 0, ...zeroTokens };
    expect(fake.stats()).toEqual({
      models: { slow: { calls: 0, inFlight: 1, maxInFlight: 1, errors: {}, invalid: 0, ...zeroTokens, batch: noBatch } },
      totalCalls: 0,
    });

    controller.abort();
    await pending.catch(() => undefined);
    await waitFor(() => fake.stats().models.slow?.inFlight === 0);
    fake.resetStats();
    expect(fake.stats()).toEqual({ models: {}, totalCalls: 0 });
  });
});

describe("fake LLM determinism", () => {
  const start = useFakeLlm();
  const scenario = (seed: number) => ({ seed, models: { "*": { errors: { "500": 0.3, "429": 0.2 }, invalidRate: 0.2 } } });

  /** Outcome of each prompt in order: "500", "429", "invalid" or the answer. */
  async function outcomes(seed: number): Promise<string[]> {
    const fake = await start(scenario(seed));
    const client = openAiClient(fake);
    const prompts = [
      "refund please",
      "app crashed",
      "add export",
      "refund please",
      "dark mode?",
      "bill wrong",
      "crash again",
      "refund please",
    ];
    const results: string[] = [];
    for (const prompt of prompts) {
      try {
        results.push((await askOpenAi(client, "gpt-4o-mini", classifyJob(prompt))).choices[0]!.message.content!);
      } catch (error) {
        results.push(String((error as { status?: number }).status));
      }
    }
    return results;
  }

  it("repeats the same outcomes for the same seed, and differs for another seed", async () => {
    const first = await outcomes(1);
    expect(await outcomes(1)).toEqual(first);
    expect(await outcomes(2)).not.toEqual(first);
    // Retrying the same prompt draws afresh: the mix is not one outcome for every call.
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it("keeps each prompt's outcomes when concurrent calls interleave differently", async () => {
    const prompts = Array.from({ length: 30 }, (_, i) => `ticket number ${i % 10}`);
    const run = async (order: string[]) => {
      const fake = await start(scenario(5));
      const client = openAiClient(fake);
      const settled = await Promise.allSettled(order.map((p) => askOpenAi(client, "m", classifyJob(p))));
      // Per prompt, the multiset of outcomes (which of its calls got which draw may swap).
      const byPrompt = new Map<string, string[]>();
      settled.forEach((result, i) => {
        const outcome =
          result.status === "fulfilled" ? result.value.choices[0]!.message.content! : String((result.reason as { status?: number }).status);
        byPrompt.set(order[i]!, [...(byPrompt.get(order[i]!) ?? []), outcome]);
      });
      return Object.fromEntries([...byPrompt].map(([p, o]) => [p, o.sort()]).sort());
    };
    expect(await run([...prompts].reverse())).toEqual(await run(prompts));
  });

  it("restarts the draw sequence on setScenario", async () => {
    const fake = await start(scenario(3));
    const client = openAiClient(fake);
    const ask = () =>
      askOpenAi(client, "m", classifyJob("same prompt")).then(
        (c) => c.choices[0]!.message.content!,
        (e: { status?: number }) => String(e.status),
      );
    const first = [await ask(), await ask(), await ask(), await ask()];
    fake.setScenario(scenario(3));
    expect([await ask(), await ask(), await ask(), await ask()]).toEqual(first);
  });
});
