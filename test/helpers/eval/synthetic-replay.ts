import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SUBJECTS = ["geography", "chemistry", "law", "music", "algebra", "nutrition", "history", "physics"];

/**
 * A routing replay file in the real format with every outcome pattern: both right, only the top
 * tier right (more often for multi-step arithmetic), both wrong, only the cheap tier right. Responses
 * vary in length so costs differ per row. Deterministic.
 */
export function syntheticReplayLines(count: number): string[] {
  let state = 2024;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const subject = SUBJECTS[index % SUBJECTS.length]!;
    const arithmetic = random() < 0.4;
    const a = 3 + Math.floor(random() * 90);
    const b = 2 + Math.floor(random() * 9);
    const prompt = arithmetic
      ? `A ${subject} club has ${a} members. Each member brings ${b} items, and then ${b + 1} items are lost per table of 4. Calculate step by step how many items are left.`
      : `Which statement about ${subject} is correct?\nA. The first option\nB. The second option\nC. The third option\nD. The fourth option\nAnswer:`;
    const strongRight = random() < (arithmetic ? 0.9 : 0.85);
    const weakRight = random() < (arithmetic ? 0.35 : 0.75);
    lines.push(
      JSON.stringify({
        id: `synth-${subject}-${String(index).padStart(4, "0")}`,
        source: `synthetic/${subject}`,
        prompt,
        outcomes: {
          weak: {
            model: "small-model",
            correct: weakRight,
            ...(arithmetic ? { response: `The answer is ${a * b}.`.repeat(1 + (index % 3)) } : {}),
          },
          strong: {
            model: "large-model",
            correct: strongRight,
            ...(arithmetic ? { response: `${a} × ${b} = ${a * b}; then subtract the losses. `.repeat(2 + (index % 4)) } : {}),
          },
        },
      }),
    );
  }
  return lines;
}

export async function writeSyntheticReplay(count: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "eval-replay-"));
  const path = join(dir, "replay.jsonl");
  await writeFile(path, `${syntheticReplayLines(count).join("\n")}\n`);
  return path;
}
