import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyRowsOf } from "../../src/ledger/db/copy-rows.js";
import { queryRows } from "../../src/ledger/db/database.js";
import { checkJob, largestContextWindow } from "../../src/produce/check-job.js";
import { jobHash } from "../../src/produce/content-hash.js";
import { writeChunk, type CheckedJob, type ChunkWriterDeps } from "../../src/produce/write-chunk.js";
import { createProducer } from "../../src/produce/producer.js";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.js";
import { testConfig } from "../helpers/pipeline.js";

const LABELS = ["billing", "bug", "other"];

/** Text COPY's format treats specially, and text it must leave alone. */
const HOSTILE = [
  "tab\there",
  "new\nline and\r\ncrlf",
  "back\\slash \\N \\t \\\\",
  "\\N",
  "quotes \" ' ` and a comma, ; |",
  "unicode: ünïcødé 🚀 עברית 中文 \u2028\u2029 \u00a0",
  "json escapes as text: \\u0000 \\n",
];

function hostileJobs(prefix: string) {
  return HOSTILE.map((text, index) => ({
    id: `${prefix}-${index}/a.b:c@d_e`,
    kind: "classify" as const,
    system: text,
    prompt: `ticket: ${text}`,
    labels: LABELS,
    feature: "f.t:1/x-y_z",
    metadata: { note: text, nested: { list: [text, 1, null, true] }, "key\twith\nspecials\\": text },
  }));
}

const columns = sql.raw(
  "id, batch_id, kind, feature, job_hash, metadata, payload, stage, routing_features, prompt, initial_tier, classifier, routing_reason, complexity_score, status",
);

describe("enqueue writes request rows with COPY", () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  it("writes hostile strings in ids, payloads and metadata exactly as the INSERT does", async () => {
    const { db } = testDb.database;
    const config = testConfig();
    await db.execute(sql`insert into batches (id, name) values ('b-copy', 'copy'), ('b-insert', 'insert')`);
    const checked = (prefix: string): CheckedJob[] =>
      hostileJobs(prefix).map((raw, index) => {
        const check = checkJob(raw, config, largestContextWindow(config));
        if (!check.ok) throw new Error(check.reason);
        return { line: index + 1, requestId: check.job.id!, job: check.job, hash: jobHash(check.job) };
      });
    const deps: ChunkWriterDeps = { db, config, classifier: undefined, routeNow: true, copyRows: copyRowsOf(db) };
    expect(deps.copyRows).toBeDefined();
    const copied = await writeChunk(deps, "b-copy", checked("copy"));
    const inserted = await writeChunk({ ...deps, copyRows: undefined }, "b-insert", checked("insert"));
    expect(copied).toEqual({ queued: HOSTILE.length, duplicates: [], conflicts: [] });
    expect(inserted).toEqual(copied);

    const rows = async (batch: string) =>
      (await queryRows<Record<string, unknown>>(db, sql`select ${columns} from requests where batch_id = ${batch} order by id`)).map(
        (row) => {
          // Each path stamps its own enqueue time; everything else must match.
          const payload = JSON.parse(row.payload as string) as Record<string, unknown> & { job: Record<string, unknown> };
          const unprefixed = { id: undefined, requestId: undefined, batchId: undefined, enqueuedAt: undefined };
          return {
            ...row,
            batch_id: undefined,
            id: (row.id as string).replace(/^\w+-/, ""),
            payload: { ...payload, ...unprefixed, job: { ...payload.job, id: undefined } },
          };
        },
      );
    const viaCopy = await rows("b-copy");
    expect(viaCopy).toHaveLength(HOSTILE.length);
    expect(viaCopy).toEqual(await rows("b-insert"));
    // And the values are the ones given, byte for byte.
    for (const [index, text] of HOSTILE.entries()) {
      const row = viaCopy.find((candidate) => candidate.id === `${index}/a.b:c@d_e`)!;
      expect((row.payload as unknown as { job: { system: string } }).job.system).toBe(text);
      expect((row as Record<string, unknown>).metadata).toEqual({
        note: text,
        nested: { list: [text, 1, null, true] },
        "key\twith\nspecials\\": text,
      });
    }
  });

  it("falls back to the INSERT when an id is already taken: resumed, duplicate and conflicting ids sorted as before", async () => {
    const { db } = testDb.database;
    const producer = createProducer({ db, config: testConfig() });
    const jobs = Array.from({ length: 30 }, (_, index) => ({
      id: `r-${index}`,
      kind: "classify",
      prompt: `ticket ${index}`,
      labels: LABELS,
    }));
    const first = await producer.enqueueJobs(jobs.slice(0, 10), { batchName: "first" });
    expect(first.accepted).toBe(10);
    // Resume the same batch with all 30: the first 10 are still queued there, so they count as queued again.
    const resumed = await producer.enqueueJobs(jobs, { batchName: "first", batchId: first.batchId, allowRepeat: true });
    expect(resumed).toMatchObject({ accepted: 30, duplicates: 0, rejectedCount: 0 });
    // Another batch: the same jobs are duplicates of the first, and a changed job under a known id is refused.
    const changed = [
      ...jobs.slice(0, 5),
      { ...jobs[5]!, prompt: "another job" },
      { id: "r-new", kind: "classify", prompt: "new", labels: LABELS },
    ];
    const second = await producer.enqueueJobs(changed, { batchName: "second" });
    expect(second).toMatchObject({ accepted: 1, duplicates: 5, rejectedCount: 1, alreadyQueuedIn: [first.batchId] });
    expect(second.rejected[0]).toMatchObject({ line: 6, reason: expect.stringMatching(/^id "r-5" is already used in batch /) });
    const [count] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from requests where id like 'r-%'`);
    expect(count!.n).toBe(31);
  });
});
