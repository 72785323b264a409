/**
 * Issue 18's learning curve: does the router learn from its own ledger on a domain it never saw?
 *
 *   npm run bench:learning-curve -- [--labels 200,500,1000,2000] [--rate 0.65] [--seed 1]
 *                                   [--eval-share 0.25] [--subjects mmlu/a,mmlu/b,...] [--data FILE] [--keep] [--extras]
 *
 * 1. The domain: the held-out subjects of the development set, in a seeded arrival order (the file is
 *    grouped by subject); the first part is the traffic, the last `--eval-share` the evaluation part.
 *    The shipped model was fitted on every row of dev.jsonl, the domain included, so the fair
 *    "shipped model" here is the baseline: trained exactly like `npm run train:shipped` on dev.jsonl
 *    minus the domain.
 * 2. The traffic runs through `eval --shadow-rate R` twice (routing.shadow.strategy uniform, then
 *    uncertain), routed by the baseline, into a scratch Postgres database made for this run
 *    (`createdb`, dropped at the end); each run is one ledger batch holding its shadow labels.
 * 3. For each strategy and label count N: `train --from-ledger --batch B --max-labels N
 *    --warm-start baseline --holdout 0` (the oldest N labels, all of them trained on), and once on
 *    all the batch's labels. With --extras, for reference: a model trained like the baseline with the
 *    outcomes of every traffic row too (`train --data`), and the shipped model (in-sample here).
 * 4. Every model, the baseline and the heuristic go through `eval` on the evaluation part: APGR.
 *
 * The rate: only jobs answered below the top tier are shadow-checked (the baseline sends 11% of this
 * traffic up), so 3,725 traffic rows hold 3,315 candidates; 2,000 labels need a rate of at least 0.61.
 * At rate 1 both strategies check everything and cannot differ, so the default is 0.65, the lowest
 * round rate that leaves both strategies 2,000 labels with some margin. A lower rate (e.g. 0.3 with
 * --labels 200,500,900) contrasts the strategies more, on fewer labels.
 *
 * Every step is the product's CLI (`node bin/llm-router.js …`), spawned one at a time (the machine is
 * shared). Needs Redis (REDIS_URL, default 127.0.0.1:6379) and a Postgres the `createdb` / `dropdb`
 * tools reach (PG* variables; default the local server as user postgres).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { splitDraw } from "../src/lab/split.js";
import { renderTable } from "../src/report/render/text-table.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "bin/llm-router.js");

/** Humanities, social sciences and the professional subjects: 11 of the 28 MMLU subjects, 4,966 rows. */
const DEFAULT_SUBJECTS = [
  "professional_law",
  "professional_psychology",
  "high_school_psychology",
  "high_school_macroeconomics",
  "high_school_microeconomics",
  "moral_disputes",
  "prehistory",
  "nutrition",
  "security_studies",
  "human_aging",
  "high_school_us_history",
].map((subject) => `mmlu/${subject}`);

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}

const options = {
  data: flag("data", join(ROOT, "../shared/data/routing-replay/dev.jsonl")),
  subjects: flag("subjects", DEFAULT_SUBJECTS.join(",")).split(","),
  labels: flag("labels", "200,500,1000,2000")
    .split(",")
    .map((text) => Number(text)),
  rate: Number(flag("rate", "0.65")),
  seed: Number(flag("seed", "1")),
  evalShare: Number(flag("eval-share", "0.25")),
  keep: process.argv.includes("--keep"),
  /** Also the reference (every traffic outcome, `train --data`) and the shipped model's in-sample figure: ~2 min more. */
  extras: process.argv.includes("--extras"),
};
if (options.labels.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--labels: positive integers, comma-separated");
if (!(options.rate > 0 && options.rate <= 1)) throw new Error("--rate must be in (0, 1]");
if (!(options.evalShare > 0 && options.evalShare < 1)) throw new Error("--eval-share must be in (0, 1)");

const clock = Date.now();
const log = (line: string) => process.stderr.write(`learning-curve [${((Date.now() - clock) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

interface ReplayLine {
  id: string;
  source?: string;
}

/** The domain in its arrival order (a seeded hash of the id), cut into traffic and evaluation parts; the rest apart. */
async function buildDomain(dir: string) {
  const lines = (await readFile(options.data, "utf8")).split("\n").filter((line) => line.trim() !== "");
  const held = new Set(options.subjects);
  const rest: string[] = [];
  const domain: { line: string; order: number }[] = [];
  for (const line of lines) {
    const row = JSON.parse(line) as ReplayLine;
    if (held.has(row.source ?? "")) domain.push({ line, order: splitDraw(`arrival:${row.id}`, options.seed) });
    else rest.push(line);
  }
  const found = new Set(domain.map((entry) => (JSON.parse(entry.line) as ReplayLine).source));
  const missing = options.subjects.filter((subject) => !found.has(subject));
  if (missing.length > 0) throw new Error(`no rows for subject(s) ${missing.join(", ")} in ${options.data}`);
  domain.sort((a, b) => a.order - b.order);
  const cut = Math.round(domain.length * (1 - options.evalShare));
  const files = { rest: join(dir, "rest.jsonl"), traffic: join(dir, "traffic.jsonl"), later: join(dir, "later.jsonl") };
  const jsonl = (rows: string[]) => `${rows.join("\n")}\n`;
  await writeFile(files.rest, jsonl(rest));
  await writeFile(files.traffic, jsonl(domain.slice(0, cut).map((entry) => entry.line)));
  await writeFile(files.later, jsonl(domain.slice(cut).map((entry) => entry.line)));
  return { files, counts: { all: lines.length, rest: rest.length, traffic: cut, later: domain.length - cut } };
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, env, maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`llm-router ${args.join(" ")} failed: ${failed.message}\n${failed.stderr ?? ""}${failed.stdout ?? ""}`, {
      cause: error,
    });
  }
}

interface EvalJson {
  apgr: number;
  cpt50: number;
  router: { top_share: number };
  pipeline: { batch_id: string; requests: number };
  warnings: string[];
}

// --keep-ledger: the traffic replays must leave their shadow labels for train --from-ledger; every run
// goes to the scratch database, which main() drops at the end.
const evalJson = async (args: string[], env: NodeJS.ProcessEnv) =>
  JSON.parse(await cli(["eval", ...args, "--keep-ledger", "--format", "json"], env)) as EvalJson;

async function main(): Promise<void> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), "learning-curve-"));
  const database = `learning_curve_${process.pid}`;
  const pg = { PGHOST: process.env.PGHOST ?? "127.0.0.1", PGUSER: process.env.PGUSER ?? "postgres", PGPORT: process.env.PGPORT ?? "5432" };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...pg,
    DATABASE_URL: `postgres://${pg.PGUSER}@${pg.PGHOST}:${pg.PGPORT}/${database}`,
    LOG_LEVEL: "warn",
  };
  await run("createdb", [database], { env });
  log(`scratch database ${database}, files in ${dir}`);
  try {
    const { files, counts } = await buildDomain(dir);
    log(
      `domain: ${options.subjects.length} subjects, ${counts.traffic + counts.later} rows (traffic ${counts.traffic}, evaluation ${counts.later}); the baseline trains on the other ${counts.rest}`,
    );

    const baseline = join(dir, "baseline.json");
    log("baseline: train --data <dev minus the domain> --seed 1 --refit-all (as npm run train:shipped)…");
    const baselineReport = await cli(["train", "--data", files.rest, "--seed", "1", "--refit-all", "--out", baseline], env);
    for (const line of baselineReport.trim().split("\n")) log(`  ${line}`);

    const strategies = ["uniform", "uncertain"] as const;
    const replays: Record<string, { batch: string; labels: number; topShare: number; warnings: string[] }> = {};
    for (const strategy of strategies) {
      log(`traffic replay, shadow ${strategy} at rate ${options.rate}…`);
      const result = await evalJson(
        [
          ...["--data", files.traffic, "--classifier", "trained", "--model", baseline],
          ...["--shadow-rate", String(options.rate), "--shadow-strategy", strategy],
        ],
        env,
      );
      log(`train --from-ledger: ${strategy}, all labels…`);
      const count = await cli(
        [
          ...["train", "--from-ledger", "--batch", result.pipeline.batch_id, "--min-labels", "1"],
          ...["--warm-start", baseline, "--holdout", "0", "--out", join(dir, `${strategy}-all.json`), "--json"],
        ],
        env,
      );
      const labels = (JSON.parse(count) as { labels: number }).labels;
      replays[strategy] = { batch: result.pipeline.batch_id, labels, topShare: result.router.top_share, warnings: result.warnings };
      log(
        `  batch ${result.pipeline.batch_id}: ${result.pipeline.requests} requests, top share ${result.router.top_share.toFixed(3)}, ${labels} labels`,
      );
      for (const warning of result.warnings) log(`  warning: ${warning}`);
    }

    const apgrOf = async (label: string, args: string[]) => {
      log(`eval on the evaluation part: ${label}…`);
      const result = await evalJson(["--data", files.later, ...args], env);
      return result.apgr;
    };
    const curve: Record<string, Partial<Record<number | "all", number | string>>> = { uniform: {}, uncertain: {} };
    for (const strategy of strategies) {
      for (const count of options.labels) {
        if (replays[strategy]!.labels < count) {
          curve[strategy]![count] = `n/a (${replays[strategy]!.labels} labels)`;
          continue;
        }
        const out = join(dir, `${strategy}-${count}.json`);
        log(`train --from-ledger: ${strategy}, ${count} labels…`);
        await cli(
          [
            ...["train", "--from-ledger", "--batch", replays[strategy]!.batch, "--max-labels", String(count)],
            ...["--min-labels", String(count), "--warm-start", baseline, "--holdout", "0", "--out", out],
          ],
          env,
        );
        curve[strategy]![count] = await apgrOf(`${strategy}, ${count} labels`, ["--classifier", "trained", "--model", out]);
      }
    }
    for (const strategy of strategies) {
      curve[strategy]!.all = await apgrOf(`${strategy}, all labels`, [
        "--classifier",
        "trained",
        "--model",
        join(dir, `${strategy}-all.json`),
      ]);
    }
    const baselineApgr = await apgrOf("baseline", ["--classifier", "trained", "--model", baseline]);
    const heuristicApgr = await apgrOf("heuristic", ["--classifier", "heuristic"]);
    let extras: { everyOutcome: number; shipped: number } | undefined;
    if (options.extras) {
      const everyOutcome = join(dir, "every-outcome.json");
      log("reference: train --data <dev minus the domain, plus the traffic part with its outcomes> --seed 1 --refit-all…");
      await writeFile(join(dir, "rest-and-traffic.jsonl"), (await readFile(files.rest, "utf8")) + (await readFile(files.traffic, "utf8")));
      await cli(["train", "--data", join(dir, "rest-and-traffic.jsonl"), "--seed", "1", "--refit-all", "--out", everyOutcome], env);
      extras = {
        everyOutcome: await apgrOf("every traffic outcome", ["--classifier", "trained", "--model", everyOutcome]),
        shipped: await apgrOf("shipped model (trained on these rows too)", [
          "--classifier",
          "trained",
          "--model",
          join(ROOT, "models/router.json"),
        ]),
      };
    }

    const cell = (value: number | string | undefined) => (typeof value === "number" ? value.toFixed(3) : (value ?? ""));
    const rows = options.labels.map((count) => [
      `${count.toLocaleString("en-US")} labels, warm start`,
      cell(curve.uniform![count]),
      cell(curve.uncertain![count]),
    ]);
    rows.push(
      [
        `all labels (${replays.uniform!.labels} / ${replays.uncertain!.labels}), warm start`,
        cell(curve.uniform!.all),
        cell(curve.uncertain!.all),
      ],
      ["baseline (dev minus the domain, as train:shipped)", baselineApgr.toFixed(3), baselineApgr.toFixed(3)],
      ["heuristic", heuristicApgr.toFixed(3), heuristicApgr.toFixed(3)],
    );
    if (extras) {
      rows.push(
        [
          `reference: train --data with all ${counts.traffic} traffic outcomes`,
          extras.everyOutcome.toFixed(3),
          extras.everyOutcome.toFixed(3),
        ],
        ["shipped models/router.json (saw these rows: not fair)", extras.shipped.toFixed(3), extras.shipped.toFixed(3)],
      );
    }
    const lines = [
      `domain: ${options.subjects.join(", ")}`,
      `  ${counts.traffic} traffic rows then ${counts.later} evaluation rows (arrival order: seed ${options.seed}); baseline trained on the other ${counts.rest} rows of ${options.data}`,
      `traffic replays (routed by the baseline, shadow rate ${options.rate}): ` +
        strategies.map((s) => `${s} ${replays[s]!.labels} labels (top share ${replays[s]!.topShare.toFixed(3)})`).join(", "),
      "",
      `APGR on the ${counts.later} evaluation rows (random 0.500):`,
      renderTable(["model", "uniform", "uncertain"], rows, [false, true, true]),
      "",
      `${((Date.now() - started) / 1000).toFixed(0)} s`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await run("dropdb", ["--if-exists", database], { env }).catch((error: Error) => log(`dropdb ${database} failed: ${error.message}`));
    if (options.keep) log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
