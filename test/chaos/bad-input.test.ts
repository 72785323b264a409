import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouterConfig } from "../../src/config/router-config-schema.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { INTAKE_QUEUE, tierQueueName } from "../../src/queue/queue-names.js";
import { waitForBatchSettled } from "../helpers/batch-settled.js";
import { ledgerNumbers, lostOf, printChaosSummary } from "../helpers/chaos-summary.js";
import { pipelineEnv, startWorkerProcess } from "../helpers/chaos-workers.js";
import { runCli, type LongRunningCli } from "../helpers/cli-process.js";
import { writeConfigFile } from "../helpers/config-file.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * Bad input, through the CLI (`llm-router enqueue`, its own process) and the producer API, against a
 * worker process running every stage. Each bad line is rejected at enqueue naming its line and the
 * reason, or ends as a failed request with a reason; the good lines of the same file finish; the
 * worker never crashes.
 */
const TIERS = ["cheap", "balanced", "premium"];
const LABELS = ["billing", "bug", "other"];
const INJECTION = "x'); drop table requests;--";
/** Small context windows (tokens, ~4 characters each): cheap and balanced take ~4,000 characters, premium ~16,000. */
const WINDOWS: Record<string, number> = { cheap: 1_000, balanced: 1_000, premium: 4_000 };

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const good = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, kind: "classify", prompt: `Ticket ${id}: I was charged twice this month.`, labels: LABELS, ...extra });

/** A line of a test file: what it is, and what must become of it. */
interface Line {
  what: string;
  raw: string | Buffer;
  /** A rejection reason (matched after `file:line: rejected: `), or the id of a job that must go in and end so. */
  expect: { rejected: RegExp } | { id: string; ends: "succeeded" | "failed"; reason?: RegExp; finalTier?: string };
}

describe("bad input never crashes a worker", { timeout: 180_000 }, () => {
  let pipeline: TestPipeline;
  let config: RouterConfig;
  let configPath: string;
  let env: NodeJS.ProcessEnv;
  let worker: LongRunningCli;
  let healthPort: number;
  let dir: string;
  const db = () => pipeline.testDb.database.db;

  beforeAll(async () => {
    const base = testConfig();
    config = {
      ...base,
      tiers: base.tiers.map((tier) => ({
        ...tier,
        models: tier.models.map((model) => ({ ...model, contextWindow: WINDOWS[tier.name]! })),
      })),
    };
    // No stage in this process: the spawned worker runs them all (intake included).
    pipeline = await startTestPipeline({ config, stages: [], scenario: { seed: 21, models: { "*": { latencyMs: 5 } } } });
    configPath = await writeConfigFile(config);
    env = pipelineEnv(pipeline, configPath);
    ({ worker, port: healthPort } = await startWorkerProcess(["intake", ...TIERS], env));
    dir = await mkdtemp(join(tmpdir(), "llm-router-bad-input-"));
  }, 90_000);
  afterAll(async () => {
    await worker?.stop();
    await pipeline?.close();
  });

  /** The worker is still the same live process, answers /healthz, and has not logged a crash. */
  async function expectWorkerAlive() {
    expect(worker.child.exitCode, `worker exited; stderr:\n${worker.output().stderr.slice(-3000)}`).toBeNull();
    const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(health.status).toBe(200);
    expect(worker.output().stderr).not.toMatch(/uncaught|unhandled/i);
  }

  /** Writes `lines` to a file, enqueues it with the CLI, and checks every line's fate. */
  async function enqueueFile(name: string, lines: Line[], args: string[] = [], header?: string) {
    const file = join(dir, name);
    const parts: Buffer[] = header === undefined ? [] : [Buffer.from(`${header}\n`)];
    for (const line of lines) parts.push(Buffer.isBuffer(line.raw) ? line.raw : Buffer.from(line.raw), Buffer.from("\n"));
    await writeFile(file, Buffer.concat(parts));
    const result = await runCli(["enqueue", file, ...args], env, 120_000);
    const offset = header === undefined ? 0 : 1;
    const rejected = lines.filter((line) => "rejected" in line.expect);
    const accepted = lines.filter((line) => !("rejected" in line.expect));
    expect(result.code, result.stderr).toBe(rejected.length > 0 ? 3 : 0);
    const batchId = result.stdout.trim();
    expect(batchId).toMatch(/^batch-/);
    for (const [index, line] of lines.entries()) {
      if (!("rejected" in line.expect)) continue;
      const prefix = `${escapeRegExp(file)}:${index + 1 + offset}: rejected: `;
      expect
        .soft(result.stderr, `${line.what} (line ${index + 1 + offset})`)
        .toMatch(new RegExp(prefix + ".*" + line.expect.rejected.source));
    }
    // Nothing else was rejected: one report line per bad line.
    expect.soft(result.stderr.split("\n").filter((text) => text.includes(": rejected: ")).length).toBe(rejected.length);
    expect.soft(result.stderr).toContain(`queued ${accepted.length}, duplicates skipped 0, rejected ${rejected.length}`);
    return { batchId, file, result, accepted, rejected };
  }

  /** Waits for a batch and checks each accepted line ended as it should. */
  async function expectEndings(batchId: string, accepted: Line[]) {
    const { status } = await waitForBatchSettled(db(), pipeline.runtime.redis(), pipeline.prefix, TIERS, batchId, 90_000);
    const rows = await queryRows<{ id: string; status: string; error: string | null; final_tier: string | null }>(
      db(),
      sql`select id, status, error, final_tier from requests where batch_id = ${batchId}`,
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const line of accepted) {
      if ("rejected" in line.expect) continue;
      const row = byId.get(line.expect.id);
      expect.soft(row?.status, `${line.what}: status`).toBe(line.expect.ends);
      if (line.expect.reason) expect.soft(row?.error ?? "", `${line.what}: reason`).toMatch(line.expect.reason);
      if (line.expect.finalTier) expect.soft(row?.final_tier, `${line.what}: final tier`).toBe(line.expect.finalTier);
    }
    return { status, rows };
  }

  it("JSONL: every bad line is rejected with its line number and reason; the good lines finish", async () => {
    const bigPrompt = "word ".repeat(1_000_000); // 5 MB
    const beyondEveryWindow = "lorem ipsum dolor ".repeat(1_200); // ~21,600 characters, ~5,400 tokens > 4,000
    const onlyPremiumFits = "lorem ipsum dolor ".repeat(500); // ~9,000 characters: beyond cheap and balanced, within premium
    const lines: Line[] = [
      { what: "good", raw: good("ok-1"), expect: { id: "ok-1", ends: "succeeded" } },
      { what: "malformed JSON", raw: '{ "kind": "classify", "prompt": ', expect: { rejected: /not valid JSON/ } },
      {
        what: "an array",
        raw: JSON.stringify([{ kind: "summarize", prompt: "x" }]),
        expect: { rejected: /a line must be one JSON object/ },
      },
      { what: "a bare string", raw: '"just a string"', expect: { rejected: /a line must be one JSON object/ } },
      { what: "null", raw: "null", expect: { rejected: /a line must be one JSON object/ } },
      { what: "missing kind", raw: JSON.stringify({ prompt: "hello" }), expect: { rejected: /kind/ } },
      { what: "missing prompt", raw: JSON.stringify({ kind: "summarize" }), expect: { rejected: /a job needs a prompt or messages/ } },
      {
        what: "classify without labels",
        raw: JSON.stringify({ kind: "classify", prompt: "hello" }),
        expect: { rejected: /classify jobs need labels/ },
      },
      { what: "prompt is a number", raw: JSON.stringify({ kind: "summarize", prompt: 42 }), expect: { rejected: /prompt: .*string/i } },
      {
        what: "maxOutputTokens is text",
        raw: JSON.stringify({ kind: "summarize", prompt: "x", maxOutputTokens: "lots" }),
        expect: { rejected: /maxOutputTokens: .*number/i },
      },
      {
        what: "metadata is text",
        raw: JSON.stringify({ kind: "summarize", prompt: "x", metadata: "text" }),
        expect: { rejected: /metadata: .*(object|record)/i },
      },
      { what: "unknown field", raw: JSON.stringify({ kind: "summarize", prompt: "x", colour: "red" }), expect: { rejected: /colour/ } },
      { what: "unknown kind", raw: JSON.stringify({ kind: "translate", prompt: "x" }), expect: { rejected: /kind: / } },
      {
        what: "an empty label",
        raw: JSON.stringify({ kind: "classify", prompt: "x", labels: ["bug", ""] }),
        expect: { rejected: /labels must not be empty/ },
      },
      {
        what: "no labels",
        raw: JSON.stringify({ kind: "classify", prompt: "x", labels: [] }),
        expect: { rejected: /at least two labels/ },
      },
      {
        what: "duplicate labels",
        raw: JSON.stringify({ kind: "classify", prompt: "x", labels: ["bug", "Bug", "other"] }),
        expect: { rejected: /duplicate label "Bug"/ },
      },
      {
        what: "an empty prompt",
        raw: JSON.stringify({ kind: "summarize", prompt: "   " }),
        expect: { rejected: /prompt: must not be empty/ },
      },
      {
        what: "a 5 MB prompt",
        raw: JSON.stringify({ kind: "summarize", prompt: bigPrompt }),
        expect: { rejected: /prompt: must be at most 2000000 characters/ },
      },
      {
        what: "a prompt beyond every context window",
        raw: JSON.stringify({ kind: "summarize", prompt: beyondEveryWindow }),
        expect: { rejected: /more than any configured model accepts \(largest context window: 4000\)/ },
      },
      {
        what: "a prompt only premium's window takes",
        raw: good("ok-long", { kind: "summarize", labels: undefined, prompt: onlyPremiumFits }),
        expect: { id: "ok-long", ends: "succeeded", finalTier: "premium" },
      },
      {
        what: "NUL in the prompt",
        raw: JSON.stringify({ kind: "summarize", prompt: "a\u0000b" }),
        expect: { rejected: /prompt: must not contain NUL/ },
      },
      {
        what: "NUL in system",
        raw: JSON.stringify({ kind: "summarize", prompt: "ab", system: "be\u0000nice" }),
        expect: { rejected: /system: must not contain NUL/ },
      },
      {
        what: "NUL in a label",
        raw: JSON.stringify({ kind: "classify", prompt: "ab", labels: ["b\u0000ug", "other"] }),
        expect: { rejected: /NUL/ },
      },
      {
        what: "a lone surrogate in the prompt",
        raw: '{"kind":"summarize","prompt":"broken \\ud800 text"}',
        expect: { rejected: /prompt: must be valid UTF-8/ },
      },
      {
        what: "invalid UTF-8 bytes",
        raw: Buffer.concat([Buffer.from('{"kind":"summarize","prompt":"caf'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
        expect: { rejected: /not valid UTF-8/ },
      },
      {
        what: "control characters (not NUL) are ordinary text",
        raw: good("ok-control", {
          prompt: "bell\u0007 escape\u001b[31m backspace\u0008 tab\t vt\u000b del\u007f nel\u0085 ls\u2028 end",
          metadata: { note: "\u0001\u0002\u001f" },
        }),
        expect: { id: "ok-control", ends: "succeeded" },
      },
      {
        what: "SQL injection in feature",
        raw: JSON.stringify({ kind: "summarize", prompt: "x", feature: INJECTION }),
        expect: { rejected: /feature: feature must be letters/ },
      },
      {
        what: "JSON injection in feature",
        raw: JSON.stringify({ kind: "summarize", prompt: "x", feature: { $ne: 1 } }),
        expect: { rejected: /feature: .*string/i },
      },
      {
        what: "markup in feature",
        raw: JSON.stringify({ kind: "summarize", prompt: "x", feature: "</script>" }),
        expect: { rejected: /feature: feature must be letters/ },
      },
      {
        what: "SQL injection in id",
        raw: JSON.stringify({ id: INJECTION, kind: "summarize", prompt: "x" }),
        expect: { rejected: /id: id must be/ },
      },
      { what: "an unknown tier", raw: JSON.stringify({ kind: "summarize", prompt: "x", tier: "gold" }), expect: { rejected: /gold/ } },
      {
        what: "injection strings in metadata are data",
        // Written as text: "__proto__" must be an own key of the line, as JSON.parse makes it.
        raw: good("ok-meta", {
          metadata: { sql: INJECTION, mongo: { $ne: 1 }, $where: "sleep(1000)", html: "</script><script>alert(1)</script>" },
        }).replace('"metadata":{', '"metadata":{"__proto__":{"polluted":true},'),
        expect: { id: "ok-meta", ends: "succeeded" },
      },
      {
        what: "NUL in an extract schema's key",
        raw: JSON.stringify({
          id: "ok-schema-nul",
          kind: "extract",
          prompt: "Invoice 7 from Acme",
          schema: { type: "object", properties: { "a\u0000b": { type: "string" } }, required: ["a\u0000b"] },
        }),
        expect: { id: "ok-schema-nul", ends: "succeeded" },
      },
      { what: "good, last", raw: good("ok-2"), expect: { id: "ok-2", ends: "succeeded" } },
    ];
    const batchName = `${INJECTION} {"$ne":1} </script>`;
    const { batchId, accepted, rejected } = await enqueueFile("bad.jsonl", lines, ["--batch", batchName]);

    // The batch name is stored as given, as data.
    const [batch] = await queryRows<{ name: string; rejected_count: number }>(
      db(),
      sql`select name, rejected_count from batches where id = ${batchId}`,
    );
    expect.soft(batch).toEqual({ name: batchName, rejected_count: rejected.length });
    const { status } = await expectEndings(batchId, accepted);
    // The premium-only prompt skipped the smaller windows without calling them.
    const longCalls = await queryRows<{ tier: string }>(db(), sql`select tier from attempts where request_id = 'ok-long'`);
    expect.soft(longCalls.map((call) => call.tier)).toEqual(["premium"]);
    // requests (and the rest of the schema) survived every injection string.
    const [tables] = await queryRows<{ n: string }>(
      db(),
      sql`select count(*)::text as n from information_schema.tables where table_name in ('batches', 'requests', 'attempts')`,
    );
    expect.soft(tables!.n).toBe("3");

    const numbers = await ledgerNumbers(db(), batchId);
    printChaosSummary(
      "bad-input/JSONL via llm-router enqueue",
      {
        enqueued: numbers.enqueued,
        completed: numbers.completed,
        failed: numbers.failed,
        duplicated: numbers.duplicated,
        lost: lostOf(numbers),
        extraProviderCalls: numbers.attemptTotal - numbers.completed,
      },
      { lines: lines.length, "rejected at enqueue": rejected.length, "worker alive": worker.child.exitCode === null },
    );
    expect.soft(status).toMatchObject({ jobs: accepted.length, succeeded: accepted.length, queued: 0 });
    await expectWorkerAlive();
  });

  it("JSONL: a label with a lone surrogate is rejected, or answered with exactly that label", async () => {
    // Both labels carry one, so whichever the model picks, the answer has a lone surrogate in it.
    const labels = ["bro\ud800ken", "\udc00other"];
    const raw = `{"id":"surrogate-label","kind":"classify","prompt":"pick one","labels":["bro\\ud800ken","\\udc00other"]}`;
    const file = join(dir, "surrogate.jsonl");
    await writeFile(file, `${raw}\n`);
    const result = await runCli(["enqueue", file], env);
    if (result.code === 3) {
      expect(result.stderr).toMatch(/surrogate\.jsonl:1: rejected: .*UTF-8/);
    } else {
      expect(result.code, result.stderr).toBe(0);
      const batchId = result.stdout.trim();
      await waitForBatchSettled(db(), pipeline.runtime.redis(), pipeline.prefix, TIERS, batchId, 60_000);
      const [row] = await queryRows<{ status: string; result: string | null }>(
        db(),
        sql`select status, result from requests where id = 'surrogate-label'`,
      );
      expect(row?.status).toBe("succeeded");
      // Stored as sent: not silently replaced by U+FFFD on its way into Postgres.
      expect(labels).toContain(row?.result);
    }
    await expectWorkerAlive();
  });

  it("CSV: bad rows are rejected naming their line, a stray quote is taken literally; the good rows finish", async () => {
    const header = "id,kind,prompt,labels,feature";
    const lines: Line[] = [
      {
        what: "good csv row",
        raw: `csv-ok-1,classify,I was charged twice,${LABELS.join("|")},billing-desk`,
        expect: { id: "csv-ok-1", ends: "succeeded" },
      },
      // RFC 4180 has no place for it, but the row is readable: the quote is kept as text (relax_quotes).
      {
        what: "a stray quote inside a field",
        raw: `csv-quote-1,classify,he said "hi" there,${LABELS.join("|")},`,
        expect: { id: "csv-quote-1", ends: "succeeded" },
      },
      {
        what: "good csv row after it",
        raw: `csv-ok-2,classify,The app crashes on start,${LABELS.join("|")},`,
        expect: { id: "csv-ok-2", ends: "succeeded" },
      },
      {
        what: "invalid UTF-8 bytes in a row",
        raw: Buffer.concat([Buffer.from("csv-bad-2,classify,caf"), Buffer.from([0xc3, 0x28]), Buffer.from(`,${LABELS.join("|")},`)]),
        expect: { rejected: /not valid UTF-8/ },
      },
      {
        what: "SQL injection in a CSV feature",
        raw: `csv-bad-3,classify,hello,${LABELS.join("|")},"${INJECTION}"`,
        expect: { rejected: /feature/ },
      },
      {
        what: "good csv row, last",
        raw: `csv-ok-3,classify,Where is my parcel,${LABELS.join("|")},`,
        expect: { id: "csv-ok-3", ends: "succeeded" },
      },
    ];
    const { batchId, accepted, rejected, result } = await enqueueFile("broken.csv", lines, ["--batch", "csv"], header);
    const { status } = await expectEndings(batchId, accepted);
    const numbers = await ledgerNumbers(db(), batchId);
    printChaosSummary(
      "bad-input/CSV with a broken quote",
      {
        enqueued: numbers.enqueued,
        completed: numbers.completed,
        failed: numbers.failed,
        duplicated: numbers.duplicated,
        lost: lostOf(numbers),
        extraProviderCalls: numbers.attemptTotal - numbers.completed,
      },
      {
        rows: lines.length,
        "rejected at enqueue": rejected.length,
        "enqueue said": result.stderr.split("\n").filter(Boolean).join(" | ").slice(0, 400),
      },
    );
    expect.soft(status).toMatchObject({ jobs: accepted.length, succeeded: accepted.length, queued: 0 });

    // An unterminated quote swallows the rest of the file; the rows before it still go in.
    const unterminated = join(dir, "unterminated.csv");
    await writeFile(
      unterminated,
      `${header}\ncsv-ok-4,classify,first row,${LABELS.join("|")},\ncsv-bad-4,classify,"never closed,${LABELS.join("|")},\n`,
    );
    const cut = await runCli(["enqueue", unterminated], env);
    expect.soft(cut.code, cut.stderr).toBe(3);
    expect.soft(cut.stderr).toMatch(/unterminated\.csv:3: rejected: .*quote/i);
    expect.soft(cut.stderr).toContain("queued 1,");
    await expectWorkerAlive();
  });

  it("a batch id that is not a valid request-id stem is refused at enqueue, not failed job by job", async () => {
    const file = join(dir, "no-ids.jsonl");
    await writeFile(file, `${JSON.stringify({ kind: "summarize", prompt: "Summarize: the meeting moved to Friday." })}\n`);
    const result = await runCli(["enqueue", file, "--batch-id", INJECTION], env);
    if (result.code === 0) {
      // Accepted: then the job must run like any other.
      const { status } = await waitForBatchSettled(db(), pipeline.runtime.redis(), pipeline.prefix, TIERS, INJECTION, 60_000);
      const [row] = await queryRows<{ status: string; error: string | null }>(
        db(),
        sql`select status, error from requests where batch_id = ${INJECTION}`,
      );
      expect(row, `the job of batch ${INJECTION}: ${row?.error}`).toMatchObject({ status: "succeeded" });
      expect(status.succeeded).toBe(1);
    } else {
      expect(result.code).not.toBe(3);
      expect(result.stderr).toMatch(/batch.?id/i);
      const [rows] = await queryRows<{ n: string }>(db(), sql`select count(*)::text as n from requests where batch_id = ${INJECTION}`);
      expect(rows!.n).toBe("0");
    }
    await expectWorkerAlive();
  });

  it("producer API: non-objects and bad fields are rejected by index with a reason; the good jobs finish", async () => {
    const jobs: unknown[] = [
      { id: "api-ok-1", kind: "classify", prompt: "I was charged twice", labels: LABELS },
      null,
      42,
      "a string",
      [{ kind: "summarize", prompt: "in an array" }],
      { kind: "classify", prompt: "x", labels: ["bug", "BUG"] },
      { kind: "summarize", prompt: "word ".repeat(1_000_000) },
      { kind: "summarize", prompt: "x", feature: INJECTION },
      {
        id: "api-ok-2",
        kind: "summarize",
        prompt: "Summarize: the meeting moved to Friday.",
        metadata: { sql: INJECTION, mongo: { $ne: 1 } },
      },
    ];
    const report = await pipeline.producer.enqueueJobs(jobs, { batchName: INJECTION });
    const reasons = new Map(report.rejected.map((rejection) => [rejection.line, rejection.reason]));
    expect.soft([...reasons.keys()].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    for (const line of [2, 3, 4, 5]) expect.soft(reasons.get(line), `line ${line}`).toMatch(/expected object/i);
    expect.soft(reasons.get(6)).toMatch(/duplicate label "BUG"/);
    expect.soft(reasons.get(7)).toMatch(/at most 2000000 characters/);
    expect.soft(reasons.get(8)).toMatch(/feature/);
    expect.soft(report.accepted).toBe(2);
    const { status } = await waitForBatchSettled(db(), pipeline.runtime.redis(), pipeline.prefix, TIERS, report.batchId, 60_000);
    expect.soft(status).toMatchObject({ jobs: 2, succeeded: 2, queued: 0 });
    const numbers = await ledgerNumbers(db(), report.batchId);
    printChaosSummary(
      "bad-input/producer API",
      {
        enqueued: numbers.enqueued,
        completed: numbers.completed,
        failed: numbers.failed,
        duplicated: numbers.duplicated,
        lost: lostOf(numbers),
        extraProviderCalls: numbers.attemptTotal - numbers.completed,
      },
      { jobs: jobs.length, "rejected at enqueue": report.rejected.length },
    );
    await expectWorkerAlive();
  });

  it("producer API: values JSON cannot carry (a BigInt, a cycle) are rejected by index, not thrown mid-batch", async () => {
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    const jobs: unknown[] = [
      { id: "json-ok-1", kind: "summarize", prompt: "Summarize: the shop opens at nine." },
      { id: "json-bigint", kind: "summarize", prompt: "x", metadata: { big: 10n } },
      { id: "json-cycle", kind: "summarize", prompt: "x", metadata: circular },
      { id: "json-ok-2", kind: "summarize", prompt: "Summarize: the shop closes at six." },
    ];
    let thrown: unknown;
    const report = await pipeline.producer.enqueueJobs(jobs, { batchName: "unserialisable" }).catch((error: unknown) => {
      thrown = error;
      return undefined;
    });
    // Whatever happened, no request may be left queued with no job to finish it.
    const stuck = await queryRows<{ id: string }>(
      db(),
      sql`select id from requests where id in ('json-ok-1', 'json-bigint', 'json-cycle', 'json-ok-2') and status = 'queued'`,
    );
    printChaosSummary(
      "bad-input/producer API, unserialisable metadata",
      { enqueued: report?.accepted ?? 0, completed: 0, failed: 0, duplicated: 0, lost: report ? 0 : stuck.length, extraProviderCalls: 0 },
      {
        threw: thrown ? String((thrown as Error).message ?? thrown) : "no",
        "request rows left queued": stuck.map((row) => row.id).join(" ") || "none",
      },
    );
    expect(thrown, "enqueueJobs threw").toBeUndefined();
    expect.soft(report!.rejected.map((rejection) => rejection.line)).toEqual([2, 3]);
    expect.soft(report!.accepted).toBe(2);
    const { status } = await waitForBatchSettled(db(), pipeline.runtime.redis(), pipeline.prefix, TIERS, report!.batchId, 60_000);
    expect.soft(status).toMatchObject({ jobs: 2, succeeded: 2, queued: 0 });
    await expectWorkerAlive();
  });

  it("garbage added straight to the intake and tier queues ends in the failed set with a reason; the worker goes on", async () => {
    const connection = pipeline.runtime.redis();
    const intake = new Queue(INTAKE_QUEUE, { connection, prefix: pipeline.prefix });
    const cheap = new Queue(tierQueueName("cheap"), { connection, prefix: pipeline.prefix });
    const garbage = [
      { queue: intake, id: "garbage-intake-object", data: { hello: "world", requestId: 42 } },
      { queue: intake, id: "garbage-intake-string", data: "not even an object" },
      { queue: cheap, id: "garbage-tier-object", data: { requestId: "garbage-tier-object", job: { kind: "nope" } } },
      { queue: cheap, id: "garbage-tier-null", data: null },
    ];
    try {
      for (const { queue, id, data } of garbage) await queue.add("garbage", data, { jobId: id, attempts: 1 });
      const states = await waitFor(
        () => Promise.all(garbage.map(async ({ queue, id }) => ({ id, state: await queue.getJobState(id) }))),
        (list) => list.every(({ state }) => state === "failed" || state === "completed"),
        { what: "the garbage jobs to be settled", timeoutMs: 30_000 },
      );
      const failed = await Promise.all(
        garbage.map(async ({ queue, id }) => ({ id, reason: (await queue.getJob(id))?.failedReason ?? "" })),
      );
      // The worker is still serving: a later batch goes through.
      const later = await pipeline.producer.enqueueJobs(
        [{ id: "after-garbage", kind: "classify", prompt: "Refund please", labels: LABELS }],
        { batchName: "after garbage" },
      );
      const { status } = await waitForBatchSettled(db(), connection, pipeline.prefix, TIERS, later.batchId, 60_000);
      printChaosSummary(
        "bad-input/garbage payloads in the queues",
        {
          enqueued: garbage.length + 1,
          completed: status.succeeded,
          failed: states.filter((s) => s.state === "failed").length,
          duplicated: 0,
          lost: status.queued,
          extraProviderCalls: 0,
        },
        { states: Object.fromEntries(states.map(({ id, state }) => [id, state])) },
      );
      for (const { id, state } of states) expect.soft(state, `${id}: state`).toBe("failed");
      for (const { id, reason } of failed) expect.soft(reason, `${id}: failedReason`).toMatch(/malformed job payload/);
      expect.soft(status).toMatchObject({ jobs: 1, succeeded: 1, queued: 0 });
    } finally {
      await intake.close();
      await cheap.close();
    }
    await expectWorkerAlive();
  });

  it("an invalid tiers file makes `worker --config` exit 1 naming the path inside the file", async () => {
    const badProvider = join(dir, "bad.yaml");
    await writeFile(
      badProvider,
      [
        "tiers:",
        "  - name: cheap",
        "    models:",
        "      - { provider: openia, model: gpt-5-mini }",
        "      - { provider: openai, model: gpt-5-mini, timeoutMs: -5 }",
      ].join("\n"),
    );
    const result = await runCli(["worker", "--config", badProvider], { ...env, LLM_ROUTER_CONFIG: "" });
    expect.soft(result.code).toBe(1);
    expect.soft(result.stderr).toContain(badProvider);
    expect.soft(result.stderr).toMatch(/tiers\.0\.models\.0\.provider/);
    expect.soft(result.stderr).toMatch(/tiers\.0\.models\.1\.timeoutMs/);
    expect.soft(result.stderr).not.toMatch(/^\s+at /m); // one clear message, no stack trace

    const notYaml = join(dir, "not-yaml.yaml");
    await writeFile(notYaml, "tiers: [ { name: cheap, models: [ }\n");
    const broken = await runCli(["worker", "--config", notYaml], { ...env, LLM_ROUTER_CONFIG: "" });
    expect.soft(broken.code).toBe(1);
    expect.soft(broken.stderr).toMatch(/not valid YAML/);

    const missing = await runCli(["worker", "--config", join(dir, "missing.yaml")], { ...env, LLM_ROUTER_CONFIG: "" });
    expect.soft(missing.code).toBe(1);
    expect.soft(missing.stderr).toMatch(/cannot read config/);
    printChaosSummary(
      "bad-input/invalid tiers file",
      { enqueued: 0, completed: 0, failed: 0, duplicated: 0, lost: 0, extraProviderCalls: 0 },
      {
        "exit codes": [result.code, broken.code, missing.code].join(","),
        message: result.stderr.split("\n").filter(Boolean).slice(0, 3).join(" | "),
      },
    );
  });
});
