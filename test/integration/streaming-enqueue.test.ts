import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { openJobFile } from "../../src/jobs/read-job-file.js";
import type { QueuedJob } from "../../src/jobs/job-schema.js";
import { RepeatedContentError } from "../../src/produce/producer.js";
import { startTestPipeline, type TestPipeline } from "../helpers/pipeline.js";

const JOBS = 20_000;
const LABELS = ["billing", "bug", "other"];

/** A 20,000-line JSONL file: classify jobs sharing one label set, with trouble at known lines. */
function fileLines(): { text: string; bad: Map<number, RegExp> } {
  const lines: string[] = [];
  const bad = new Map<number, RegExp>();
  for (let n = 1; n <= JOBS; n++) {
    lines.push(
      JSON.stringify({
        id: `s-${n}`,
        kind: "classify",
        prompt: `ticket ${n}: the app ${n % 7 === 0 ? "crashes" : "is slow"}`,
        labels: LABELS,
      }),
    );
  }
  const set = (line: number, text: string, reason: RegExp) => {
    lines[line - 1] = text;
    bad.set(line, reason);
  };
  set(1, "{not json", /^not valid JSON: /);
  set(9_999, '{"id":"s-9999","kind":"translate","prompt":"x"}', /kind/);
  set(JOBS, '{"kind":"classify","prompt":"no labels"', /^not valid JSON: /);
  // Far apart, in different chunks: the same id with another job is refused, with the same job skipped.
  set(
    18_003,
    JSON.stringify({ id: "s-3", kind: "classify", prompt: "another job", labels: LABELS }),
    /^id "s-3" is also on line 3, with a different job$/,
  );
  lines[18_004 - 1] = lines[4 - 1]!;
  // Already in the ledger from an earlier batch, for a different job.
  set(
    12_345,
    JSON.stringify({ id: "earlier-1", kind: "classify", prompt: "changed", labels: LABELS }),
    /^id "earlier-1" is already used in batch /,
  );
  return { text: `${lines.join("\r\n")}\r\n`, bad };
}

describe("streaming enqueue of a 20,000-line file", () => {
  let pipeline: TestPipeline;
  let dir: string;
  beforeAll(async () => {
    pipeline = await startTestPipeline({ stages: [] });
    dir = await mkdtemp(join(tmpdir(), "stream-enqueue-"));
  });
  afterAll(async () => {
    await pipeline?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("queues the good lines in chunks, reports every bad one by line, and keeps the whole-file checks", async () => {
    const earlier = await pipeline.producer.enqueueJobs([{ id: "earlier-1", kind: "classify", prompt: "original", labels: LABELS }], {
      batchName: "earlier",
    });
    const { text, bad } = fileLines();
    const path = join(dir, "jobs.jsonl");
    await writeFile(path, text);
    const source = await openJobFile(path);
    const heard: number[] = [];
    const progress: number[] = [];
    const report = await pipeline.producer.enqueue(source, {
      batchName: "streamed",
      onRejected: (rejection) => heard.push(rejection.line),
      onProgress: (done, total, phase) => phase === "enqueue" && progress.push(done / total),
    });

    const badLines = [...bad.keys()].sort((a, b) => a - b);
    expect(report.rejected.map((rejection) => rejection.line)).toEqual(badLines);
    expect(heard).toEqual(badLines);
    expect(report.rejectedCount).toBe(badLines.length);
    for (const rejection of report.rejected) expect(rejection.reason).toMatch(bad.get(rejection.line)!);
    expect(report.rejected.find((rejection) => rejection.line === 12_345)!.reason).toContain(earlier.batchId);
    const expectedQueued = JOBS - badLines.length - 1; // and line 18,004 repeats line 4
    expect(report).toMatchObject({ accepted: expectedQueued, duplicates: 1, batchCreated: true });
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeGreaterThan(1);

    const [rows] = await queryRows<{ requests: string; job_count: number; rejected_count: number }>(
      pipeline.testDb.database.db,
      sql`select (select count(*) from requests where batch_id = ${report.batchId}) as requests, job_count, rejected_count
          from batches where id = ${report.batchId}`,
    );
    expect(rows).toEqual({ requests: String(expectedQueued), job_count: expectedQueued, rejected_count: badLines.length });

    // Each job waits in the Postgres backlog with the payload the feeder will queue (src/feed/).
    const payloads = await queryRows<{ id: string; payload: string }>(
      pipeline.testDb.database.db,
      sql`select id, payload from requests where batch_id = ${report.batchId} and payload is not null and id in ('s-2', 's-3')
          union all select 'count', count(*)::text from requests where batch_id = ${report.batchId} and payload is not null`,
    );
    const payloadOf = (id: string) => JSON.parse(payloads.find((row) => row.id === id)!.payload) as Pick<QueuedJob, "job">;
    expect(payloads.find((row) => row.id === "count")!.payload).toBe(String(expectedQueued));
    // Stamped from the survey pass, before the first chunk went out: every job shares one prefix.
    expect(payloadOf("s-2").job.sharedPrefixJobs).toBeGreaterThanOrEqual(expectedQueued);
    expect(payloadOf("s-3").job.prompt).toBe("ticket 3: the app is slow");

    // The same file again is refused before anything is written: the survey found the repeat.
    await expect(pipeline.producer.enqueue(await openJobFile(path), { batchName: "again" })).rejects.toBeInstanceOf(RepeatedContentError);
  });
});
