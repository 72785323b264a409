import type { TrainedRouter } from "../intake/trained/trained-model.js";
import { splitRows, type SplitBy, type SplitSpec } from "./split.js";
import type { ReplayRow } from "../fake-llm/replay-dataset.js";

/** Which rows of a dataset to evaluate or calibrate on. */
export interface SplitChoice {
  part: "all" | "train" | "test";
  holdout?: number;
  seed?: number;
  by?: SplitBy;
}

export type SelectedSplit = SplitChoice & { resolvedFrom?: string };

/**
 * Picks the rows: all of them, or one side of the seeded split `train` uses. Split settings the
 * flags leave out come from the model's own training split, so `--split test` alone is exactly the
 * rows the model never saw. Warns when the numbers would include the model's training rows
 * (recognised by the data file's sha256, which the model file records).
 */
export function selectRows(
  rows: ReplayRow[],
  sha256: string,
  choice: SplitChoice,
  model: TrainedRouter | undefined,
): { rows: ReplayRow[]; split: SelectedSplit; warnings: string[] } {
  const training = model?.file.training as
    { data?: { sha256?: string }; split?: { holdout?: number; seed?: number; by?: SplitBy; refitAll?: boolean } } | undefined;
  const warnings: string[] = [];
  let split: SelectedSplit = { ...choice };
  let selected = rows;
  if (choice.part !== "all") {
    const fromModel = training?.split;
    const spec: SplitSpec = {
      holdout: choice.holdout ?? fromModel?.holdout ?? 0.2,
      seed: choice.seed ?? fromModel?.seed ?? 1,
      by: choice.by ?? fromModel?.by ?? "row",
    };
    const usedModel = choice.holdout === undefined && choice.seed === undefined && fromModel !== undefined;
    split = { part: choice.part, ...spec, ...(usedModel ? { resolvedFrom: "model file" } : {}) };
    selected = splitRows(rows, spec)[choice.part];
  }
  if (training?.data?.sha256 === sha256) {
    if (training.split?.refitAll) {
      warnings.push("the model was refit on every row of this file (--refit-all): these numbers are on training rows and overstate it");
    } else if (choice.part !== "test") {
      warnings.push("the model was trained on part of this file: use --split test to use only rows it never saw");
    } else if (split.holdout !== training.split?.holdout || split.seed !== training.split?.seed || split.by !== training.split?.by) {
      warnings.push("this split differs from the model's training split: some selected rows were training rows");
    }
  }
  return { rows: selected, split, warnings };
}
