import { INTAKE_STAGE } from "../queue/queue-names.js";

/**
 * How many jobs the feeder may add to each stage's queue now: the window less what the queue holds
 * (waiting, delayed, running). A tier's own window bounds it. Intake's jobs become tier jobs, so in
 * the llm / hybrid modes the one window bounds intake and every tier together: intake is topped up
 * only while intake plus all tiers hold fewer than `window`. Pure.
 */
export function windowRoom(window: number, held: ReadonlyMap<string, number>): Map<string, number> {
  const room = new Map<string, number>();
  let all = 0;
  for (const [stage, count] of held) {
    all += count;
    if (stage !== INTAKE_STAGE) room.set(stage, Math.max(0, window - count));
  }
  if (held.has(INTAKE_STAGE)) room.set(INTAKE_STAGE, Math.max(0, window - all));
  return room;
}
