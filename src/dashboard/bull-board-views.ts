import { createRequire } from "node:module";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * Bull Board's page links a web font from a CDN; the dashboard loads nothing from the network, so
 * it serves a copy of that page without the link (the UI falls back to the system font). The copy
 * is made at start-up from the installed package, so an upgrade of @bull-board/ui is picked up.
 */
export async function offlineBullBoardViews(): Promise<string> {
  const uiDir = dirname(createRequire(import.meta.url).resolve("@bull-board/ui/package.json"));
  const page = await readFile(join(uiDir, "dist", "index.ejs"), "utf8");
  const offline = page.replace(/<link[^>]+href="https?:\/\/[^"]*"[^>]*>/g, "");
  const dir = await mkdtemp(join(tmpdir(), "llm-router-bull-board-"));
  await writeFile(join(dir, "index.ejs"), offline);
  return dir;
}
