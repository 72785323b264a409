import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_FEATURIZER_SPEC } from "../../../src/intake/trained/featurize.js";
import { readModelFile } from "../../../src/intake/trained/trained-model.js";
import { DEFAULT_TRAIN_OPTIONS, trainRouter, type TrainOptions } from "../../../src/lab/train-router.js";

const TOPICS = ["geography", "history", "biology", "music", "cooking", "sports"];

/**
 * A replay file where arithmetic word problems are what the cheap model gets wrong and the top
 * model gets right; recall questions both get right. Learnable from the words alone.
 */
function syntheticReplay(count: number): string {
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const hard = Math.floor(index / TOPICS.length) % 3 === 0;
    const topic = TOPICS[index % TOPICS.length]!;
    const prompt = hard
      ? `Calculate how many ${topic} items remain if ${index} are split into ${(index % 7) + 2} equal groups and two groups are removed.`
      : `Which of the following is a well known fact about ${topic}? A. one B. two C. three D. four Answer:`;
    lines.push(
      JSON.stringify({
        id: `synthetic-${index}`,
        source: `set-${topic}`,
        prompt,
        outcomes: { weak: { model: "small", correct: !hard }, strong: { model: "large", correct: true } },
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

async function setup(): Promise<{ dir: string; data: string }> {
  const dir = await mkdtemp(join(tmpdir(), "train-router-"));
  const data = join(dir, "replay.jsonl");
  await writeFile(data, syntheticReplay(240));
  return { dir, data };
}

const options = (data: string, out: string, overrides: Partial<TrainOptions> = {}): TrainOptions => ({
  ...DEFAULT_TRAIN_OPTIONS,
  featurizer: { ...DEFAULT_FEATURIZER_SPEC, bucketsLog2: 12 },
  dataPath: data,
  outPath: out,
  ...overrides,
});

describe("trainRouter", () => {
  it("learns a learnable routing, reports held-out metrics only, and writes a loadable model", async () => {
    const { dir, data } = await setup();
    const out = join(dir, "model.json");
    const report = await trainRouter(options(data, out, { seed: 5 }));
    expect(report.trainRows + report.testRows).toBe(240);
    expect(report.testRows).toBeGreaterThan(20);
    expect(report.heldOut!.rows).toBe(report.testRows);
    expect(report.heldOut!.apgr).toBeGreaterThan(0.8);
    expect(report.heldOut!.aucTopBetter).toBeGreaterThan(0.95);
    expect(report.inference.samples).toBe(240);
    expect(report.inference.p50Us).toBeGreaterThan(0);

    const model = readModelFile(out);
    expect(model.file.training).toMatchObject({
      split: { holdout: 0.2, seed: 5, by: "row", trainRows: report.trainRows, testRows: report.testRows },
      label: { mode: "gain" },
      data: { file: "replay.jsonl", rows: 240, metric: "accuracy" },
    });
    const hard = model.score({ kind: "generate", prompt: "Calculate how many apples remain if 30 are split into 5 equal groups." });
    const easy = model.score({
      kind: "generate",
      prompt: "Which of the following is a well known fact about music? A. one B. two Answer:",
    });
    expect(hard).toBeGreaterThan(easy);
    expect(model.defaultThresholds(2)[0]).toBeGreaterThan(0);
  });

  it("is deterministic for a seed, and a different seed splits differently", async () => {
    const { dir, data } = await setup();
    const first = await trainRouter(options(data, join(dir, "a.json"), { seed: 9 }));
    const second = await trainRouter(options(data, join(dir, "b.json"), { seed: 9 }));
    const weights = async (name: string) => JSON.parse(await readFile(join(dir, name), "utf8")).weights;
    expect(await weights("b.json")).toEqual(await weights("a.json"));
    expect(second.heldOut).toEqual(first.heldOut);
    const other = await trainRouter(options(data, join(dir, "c.json"), { seed: 10 }));
    expect(other.testRows === first.testRows && other.heldOut!.apgr === first.heldOut!.apgr).toBe(false);
  });

  it("writes byte-identical files for the same data, options and createdAt", async () => {
    const { dir, data } = await setup();
    const createdAt = "2026-01-02T03:04:05.006Z";
    await trainRouter(options(data, join(dir, "a.json"), { refitAll: true, createdAt }));
    await trainRouter(options(data, join(dir, "b.json"), { refitAll: true, createdAt }));
    const first = await readFile(join(dir, "a.json"), "utf8");
    expect(await readFile(join(dir, "b.json"), "utf8")).toBe(first);
    expect(JSON.parse(first).createdAt).toBe(createdAt);
  });

  it("can hold out whole sources and estimate transfer with source folds", async () => {
    const { dir, data } = await setup();
    const report = await trainRouter(options(data, join(dir, "m.json"), { splitBy: "source", holdout: 0.3, transferFolds: 3 }));
    expect(report.transfer!.folds).toBe(3);
    expect(report.transfer!.foldApgr).toHaveLength(3);
    // "Calculate" problems in every topic: the routing carries over to unseen topics.
    expect(report.transfer!.apgr).toBeGreaterThan(0.8);
  });

  it("names a bad line of the data file", async () => {
    const { dir } = await setup();
    const data = join(dir, "bad.jsonl");
    await writeFile(data, `${JSON.stringify({ id: "a", prompt: "p", outcomes: { weak: {}, strong: { correct: true } } })}\n`);
    await expect(trainRouter(options(data, join(dir, "x.json")))).rejects.toThrow(/bad.jsonl:1: outcomes.weak: an outcome needs/);
  });
});
