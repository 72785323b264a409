import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Debian's package; CHROMIUM_PATH points elsewhere. .ci/run installs it when it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
];

/** Runs headless Chromium on a local file (or an http URL) with a profile of its own; fails loudly when it is not installed. */
async function runChromium(file: string, extra: string[]): Promise<string> {
  const target = /^https?:\/\//.test(file) ? file : pathToFileURL(file).href;
  const profile = await mkdtemp(join(tmpdir(), "llm-router-chromium-"));
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile(
        CHROMIUM,
        [...FLAGS, `--user-data-dir=${profile}`, ...extra, target],
        { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
            reject(new Error(`${CHROMIUM} is not installed: apt-get install -y chromium (bash .ci/run does it), or set CHROMIUM_PATH`));
          } else if (error) reject(new Error(`${CHROMIUM} failed: ${error.message}\n${stderr}`));
          else resolve(stdout);
        },
      );
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** The DOM after the page loaded and its scripts ran. */
export const dumpDom = (file: string, extra: string[] = []) => runChromium(file, ["--dump-dom", ...extra]);

export async function screenshot(file: string, png: string, size = "1280,2000", extra: string[] = []): Promise<void> {
  await runChromium(file, [`--screenshot=${png}`, `--window-size=${size}`, ...extra]);
}

/** Lets a page's scripts fetch and render (a single-page app such as Bull Board) before the dump or shot. */
export const LET_SCRIPTS_RUN = ["--virtual-time-budget=8000"];
