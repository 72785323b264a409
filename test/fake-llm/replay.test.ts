import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile, parseScenario } from "../../src/fake-llm/index.js";
import { anthropicClient, askAnthropic, askOpenAi, openAiClient, textOf, useFakeLlm } from "../helpers/fake-llm/sdk-clients.js";

const ROWS = [
  {
    id: "math-1",
    prompt: "Tom has 3 apples and buys 4 more. How many apples does he have?",
    outcomes: {
      weak: { model: "small", correct: false, response: "Tom has 12 apples." },
      strong: { model: "large", correct: true, response: "3 + 4 = 7. Tom has 7 apples." },
    },
  },
  {
    id: "mmlu-1",
    prompt: "Which planet is largest?\nA. Mars\nB. Jupiter\nAnswer:",
    outcomes: { weak: { correct: true }, strong: { correct: true } },
  },
  {
    id: "chat-1",
    messages: [
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "Name a prime." },
    ],
    outcomes: { weak: { score: 4 }, strong: { score: 9, response: "7 is prime." } },
  },
];

async function replayFile(rows: unknown[] = ROWS.slice(0, 2)): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), "fake-replay-"));
  const file = join(dir, "replay.jsonl");
  await writeFile(file, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
  return { dir, file };
}

const generate = (prompt: string) => ({ kind: "generate" as const, prompt });

describe("replay mode", () => {
  const start = useFakeLlm();

  it("answers a known prompt with the recorded answer of the asked model's class, over both SDKs", async () => {
    const { file } = await replayFile();
    const fake = await start({ replay: { file, weakModels: ["gpt-5-mini", "claude-haiku-4-5"], strongModels: ["claude-opus-4-7"] } });
    const weak = await askOpenAi(openAiClient(fake), "gpt-5-mini", generate(ROWS[0]!.prompt!));
    expect(weak.choices[0]!.message.content).toBe("Tom has 12 apples.");
    expect(weak.usage!.completion_tokens).toBe(Math.ceil("Tom has 12 apples.".length / 4));
    const strong = await askAnthropic(anthropicClient(fake), "claude-opus-4-7", generate(ROWS[0]!.prompt!));
    expect(textOf(strong)).toBe("3 + 4 = 7. Tom has 7 apples.");
    const weakAnthropic = await askAnthropic(anthropicClient(fake), "claude-haiku-4-5", generate(ROWS[0]!.prompt!));
    expect(textOf(weakAnthropic)).toBe("Tom has 12 apples.");
    expect(fake.replayStats()).toEqual({ hits: { weak: 2, strong: 1 }, misses: 0, unlisted: 0 });
  });

  it("stands in for a missing response with the recorded verdict", async () => {
    const { file } = await replayFile();
    const fake = await start({ replay: { file, weakModels: ["gpt-5-mini"], strongModels: ["gpt-5.2"] } });
    const answer = await askOpenAi(openAiClient(fake), "gpt-5.2", generate(ROWS[1]!.prompt!));
    expect(answer.choices[0]!.message.content).toBe("Replayed strong answer (recorded as correct).");
  });

  it("matches conversations on their user turns, and scored rows say their score", async () => {
    const { file } = await replayFile([ROWS[2]]);
    const fake = await start({ replay: { file, weakModels: ["gpt-5-mini"], strongModels: ["gpt-5.2"] } });
    const job = { kind: "generate" as const, messages: ROWS[2]!.messages as { role: "user" | "assistant"; content: string }[] };
    const weak = await askOpenAi(openAiClient(fake), "gpt-5-mini", job);
    expect(weak.choices[0]!.message.content).toBe("Replayed weak answer (recorded as score 4).");
    const strong = await askOpenAi(openAiClient(fake), "gpt-5.2", job);
    expect(strong.choices[0]!.message.content).toBe("7 is prime.");
  });

  it("answers as usual for unknown prompts and unlisted models, and counts them", async () => {
    const { file } = await replayFile();
    const fake = await start({ replay: { file, weakModels: ["gpt-5-mini"], strongModels: ["gpt-5.2"] } });
    const unknown = await askOpenAi(openAiClient(fake), "gpt-5-mini", generate("Write a haiku about queues."));
    expect(unknown.choices[0]!.message.content).not.toMatch(/Replayed/);
    await askOpenAi(openAiClient(fake), "some-other-model", generate(ROWS[0]!.prompt!));
    expect(fake.replayStats()).toEqual({ hits: { weak: 0, strong: 0 }, misses: 1, unlisted: 1 });
    fake.resetStats();
    expect(fake.replayStats()).toEqual({ hits: { weak: 0, strong: 0 }, misses: 0, unlisted: 0 });
  });

  it("keeps the scenario's faults: an invalid draw still gives an invalid answer", async () => {
    const { file } = await replayFile();
    const fake = await start({
      models: { "gpt-5-mini": { invalidRate: 1 } },
      replay: { file, weakModels: ["gpt-5-mini"], strongModels: ["gpt-5.2"] },
    });
    const answer = await askOpenAi(openAiClient(fake), "gpt-5-mini", generate(ROWS[0]!.prompt!));
    expect(answer.choices[0]!.message.content).toBe("");
  });

  it("setScenario switches replay on for later calls", async () => {
    const { file } = await replayFile();
    const fake = await start();
    expect(fake.replayStats()).toBeUndefined();
    fake.setScenario({ replay: { file, weakModels: ["gpt-5-mini"], strongModels: ["gpt-5.2"] } });
    const answer = await askOpenAi(openAiClient(fake), "gpt-5-mini", generate(ROWS[0]!.prompt!));
    expect(answer.choices[0]!.message.content).toBe("Tom has 12 apples.");
  });

  it("a scenario file finds its replay file relative to itself", async () => {
    const { dir } = await replayFile();
    const path = join(dir, "scenario.json");
    await writeFile(path, JSON.stringify({ replay: { file: "replay.jsonl", weakModels: ["a"], strongModels: ["b"] } }));
    expect((await loadScenarioFile(path)).replay?.file).toBe(join(dir, "replay.jsonl"));
  });

  it("rejects a bad replay section or file, naming the problem", async () => {
    expect(() => parseScenario({ replay: { file: "x.jsonl", weakModels: ["a"], strongModels: ["a"] } })).toThrow(
      'replay.strongModels: model "a" is in both weakModels and strongModels',
    );
    expect(() => parseScenario({ replay: { file: "x.jsonl", weakModels: [], strongModels: ["b"] } })).toThrow(/replay.weakModels/);
    await expect(
      start({ replay: { file: join(tmpdir(), "missing-replay.jsonl"), weakModels: ["a"], strongModels: ["b"] } }),
    ).rejects.toThrow(/cannot read/);
  });
});
