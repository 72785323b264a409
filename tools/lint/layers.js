// What may import what: the tree read as the data flow (docs/architecture.md draws it).
// A folder may import the folders listed before it, never one after it, nor one in its own row.
// `src/index.ts` (the public API) may import anything.
export const LAYERS = [
  // The one error base and its exit codes: imports nothing, used by all.
  ["errors"],
  ["observability"],
  ["jobs"],
  ["fake-llm"],
  ["config"],
  ["pricing"],
  ["providers"],
  ["queue"],
  ["ledger"],
  ["guards"],
  ["tiers"],
  // the batch lane: jobs with a deadline collected into provider batches, polled, ingested (reuses tiers' ending logic)
  ["batch-lane"],
  ["intake"],
  ["produce"],
  // The feeder: moves a window of the Postgres backlog into Redis, finds jobs Redis lost
  ["feed"],
  // batch control: results stream, list, cancel, retry (reads the ledger, reaches every queue)
  ["batches"],
  // Dry-run cost of a job file: reads like produce, routes like intake, prices like the tiers; writes nothing.
  ["estimate"],
  ["report"],
  // the live page: batches' progress from report/, queues through Bull Board
  ["dashboard"],
  ["runtime"],
  ["lab"],
  ["cli"],
];

// Folders that only the top rows may import, whatever their row: the fake provider is a tool of
// the demo, the lab and the tests, never of the product's own stages.
const ONLY_FROM = { "fake-llm": ["lab", "cli"] };

// Inside a folder, sub-folders keep an order too: each row may import the rows before it, and
// the folder's own files (which compose the sub-folders).
export const SUBFOLDERS = {
  ledger: [["db"]],
  tiers: [["shadow"]],
  intake: [["heuristic"], ["trained"], ["llm"]],
  report: [["query"], ["render"]],
  cli: [["demo"], ["commands"]],
};

const dir = (name) => `./src/${name}`;

export function folderZones(layers) {
  const zones = [];
  layers.forEach((row, rank) => {
    const later = layers.slice(rank + 1).flat();
    for (const unit of row) {
      const others = [...row.filter((u) => u !== unit), ...later];
      if (others.length)
        zones.push({ target: dir(unit), from: others.map(dir), message: `${unit}/ sits below it in the data flow (docs/architecture.md)` });
    }
  });
  for (const [unit, allowed] of Object.entries(ONLY_FROM)) {
    const forbidden = layers.flat().filter((u) => u !== unit && !allowed.includes(u));
    zones.push({ target: forbidden.map(dir), from: dir(unit), message: `only ${allowed.join(", ")} may use ${unit}/` });
  }
  for (const [unit, rows] of Object.entries(SUBFOLDERS)) {
    rows.forEach((row, rank) => {
      const later = rows.slice(rank + 1).flat();
      for (const sub of row) {
        const others = [...row.filter((s) => s !== sub), ...later].map((s) => `${dir(unit)}/${s}`);
        if (others.length)
          zones.push({
            target: `${dir(unit)}/${sub}`,
            from: others,
            message: `${unit}/${sub}/ may import only the sub-folders of ${unit}/ before it`,
          });
      }
    });
  }
  return zones;
}
