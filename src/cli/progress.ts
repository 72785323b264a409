import { SingleBar, Presets } from "cli-progress";

export interface Progress {
  update(done: number, total: number, extra?: string): void;
  stop(): void;
}

/**
 * A live bar on a terminal; on a pipe or in CI, a line every tenth of the way, so logs stay short.
 * Always on stderr: stdout carries the command's result.
 */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} {extra}`, stream, hideCursor: true, clearOnComplete: false },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, extra = "") {
        if (!started) {
          bar.start(total, done, { extra });
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(done, { extra });
        }
      },
      stop: () => started && bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update(done, total, extra = "") {
      const decile = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total}${extra ? ` ${extra}` : ""}\n`);
      }
    },
    stop() {},
  };
}
