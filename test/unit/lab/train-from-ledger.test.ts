import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Featurizer } from "../../../src/intake/trained/featurize.js";
import { encodeFeatures } from "../../../src/intake/trained/stored-features.js";
import { readModelFile } from "../../../src/intake/trained/trained-model.js";
import type { LedgerLabel } from "../../../src/lab/ledger-labels.js";
import { DEFAULT_LEDGER_TRAIN_OPTIONS, TooFewLabelsError, trainOnLabels } from "../../../src/lab/train-from-ledger.js";

const featurizer = new Featurizer();
// Hard jobs (label 1) ask for proofs; easy ones (0) ask for a label. The model must learn the words.
function labels(count: number): LedgerLabel[] {
  return Array.from({ length: count }, (_, index) => {
    const hard = index % 3 === 0;
    const prompt = hard ? `Prove theorem ${index} rigorously and derive the bound.` : `Label ticket ${index}: refund please.`;
    return {
      requestId: `r${index}`,
      at: new Date(Date.UTC(2026, 0, 1) + index * 60_000),
      label: hard ? 1 : 0,
      source: "shadow",
      features: encodeFeatures(featurizer.featurize({ kind: "classify", prompt })),
    };
  });
}

describe("train --from-ledger", () => {
  it("refuses with a clear line below --min-labels", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ledger-train-"));
    await expect(trainOnLabels(labels(10), { ...DEFAULT_LEDGER_TRAIN_OPTIONS, outPath: join(dir, "m.json"), filter: {} })).rejects.toThrow(
      TooFewLabelsError,
    );
    await expect(trainOnLabels(labels(10), { ...DEFAULT_LEDGER_TRAIN_OPTIONS, outPath: join(dir, "m.json"), filter: {} })).rejects.toThrow(
      /only 10 label\(s\).*--min-labels is 200/,
    );
  });

  it("trains on the oldest labels, holds out the newest, learns the labels and warm-starts from its own output", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ledger-train-"));
    const out = join(dir, "m.json");
    const rows = labels(250);
    const report = await trainOnLabels(rows, { ...DEFAULT_LEDGER_TRAIN_OPTIONS, outPath: out, filter: {} });
    expect(report).toMatchObject({ labels: 250, trainRows: 200, testRows: 50, fromShadow: 250, splitAt: rows[200]!.at.toISOString() });
    expect(report.heldOut!.auc).toBeGreaterThan(0.95);
    expect(report.heldOut!.apgr).toBeGreaterThan(report.heuristicHeldOut!.apgr - 1e-9);
    const model = readModelFile(out);
    const hard = model.score({ kind: "classify", prompt: "Prove theorem 9999 rigorously and derive the bound." });
    const easy = model.score({ kind: "classify", prompt: "Label ticket 9999: refund please." });
    expect(hard).toBeGreaterThan(easy);

    const warmOut = join(dir, "warm.json");
    const warm = await trainOnLabels(rows, { ...DEFAULT_LEDGER_TRAIN_OPTIONS, outPath: warmOut, warmStart: out, filter: {} });
    expect(warm.warmStartHeldOut!.auc).toBeCloseTo(report.heldOut!.auc, 6);
    const file = JSON.parse(await readFile(warmOut, "utf8")) as { training: { warmStart: string } };
    expect(file.training.warmStart).toBe(out);
  });
});
