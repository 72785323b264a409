import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/ledger/db/database.js";
import { buildReport } from "../../src/report/query/report-query.js";
import { formatReport } from "../../src/report/render/format-report.js";
import { shadowKeyOf, shadowSampled } from "../../src/tiers/shadow/shadow-sample.js";
import { TICKET_LABELS } from "../helpers/jobs.js";
import { startTestPipeline, testConfig, type TestPipeline } from "../helpers/pipeline.js";
import { waitFor } from "../helpers/wait-for.js";
import { Featurizer } from "../../src/intake/trained/featurize.js";
import { decodeFeatures } from "../../src/intake/trained/stored-features.js";
import { readLedgerLabels } from "../../src/lab/ledger-labels.js";

const RATE = 0.5;
const JOBS = 40;

describe("shadow sampling", () => {
  let pipeline: TestPipeline;
  beforeAll(async () => {
    pipeline = await startTestPipeline({ config: testConfig({ routing: { shadow: { rate: RATE, key: "id" } } }) });
  });
  afterAll(() => pipeline?.close());

  it("checks the sampled share of cheaper answers on the top tier, stores both answers, and prices measuring apart", async () => {
    const jobs = Array.from({ length: JOBS }, (_, index) => ({
      id: `shadow-${index}`,
      kind: "classify" as const,
      tier: "cheap",
      feature: "support-triage",
      prompt: `Ticket ${index}: I was charged twice for one order.`,
      labels: TICKET_LABELS,
    }));
    const { batchId } = await pipeline.producer.enqueueJobs(jobs, { batchName: "shadow" });
    await pipeline.waitForBatch(batchId);
    // Exactly the ids the consistent hash picks, no more, no fewer.
    const expected = jobs
      .filter((job) => shadowSampled(shadowKeyOf("id", { requestId: job.id, batchId, job }), RATE))
      .map((job) => job.id)
      .sort();
    expect(expected.length).toBeGreaterThan(5);
    const db = pipeline.testDb.database.db;
    const checks = await waitFor(
      () =>
        queryRows<{
          request_id: string;
          tier: string;
          model: string;
          top_model: string;
          agrees: boolean | null;
          top_answer: string;
          cost_usd: string;
        }>(db, sql`select request_id, tier, model, top_model, agrees, top_answer, cost_usd::text from shadow_checks order by request_id`),
      (rows) => rows.length >= expected.length,
      { what: "shadow checks to land" },
    );
    expect(checks.map((check) => check.request_id).sort()).toEqual(expected);
    for (const check of checks) {
      expect(check).toMatchObject({ tier: "cheap", model: "gpt-5-mini", top_model: "claude-opus-4-7" });
      expect(TICKET_LABELS).toContain(check.top_answer);
      expect(typeof check.agrees).toBe("boolean");
      expect(Number(check.cost_usd)).toBeGreaterThan(0);
    }
    // Agreement is the exact label comparison with the stored production answer.
    const [agreement] = await queryRows<{ wrong: string }>(
      db,
      sql`select count(*)::text as wrong from shadow_checks s join requests r on r.id = s.request_id
          where s.agrees <> (s.top_answer = r.result)`,
    );
    expect(Number(agreement!.wrong)).toBe(0);
    // Measuring is not billed to the requests: their cost is still exactly their attempts.
    const [mismatch] = await queryRows<{ n: string }>(
      db,
      sql`select count(*)::text as n from requests r where r.batch_id = ${batchId}
          and r.cost_usd <> (select coalesce(sum(a.cost_usd), 0) from attempts a where a.request_id = r.id)`,
    );
    expect(Number(mismatch!.n)).toBe(0);

    const report = await buildReport(db, ["tier"], { batchId });
    expect(report.shadow).toEqual([
      expect.objectContaining({ feature: "support-triage", tier: "cheap", checks: expected.length, comparable: expected.length }),
    ]);
    expect(formatReport(report, "table")).toContain("shadow checks (the top tier answering the same question):");
    const [view] = await queryRows<{ checks: string; agreement_rate: string | null }>(
      db,
      sql`select checks::text, agreement_rate::text from report_shadow_agreement where feature = 'support-triage' and tier = 'cheap'`,
    );
    expect(Number(view!.checks)).toBe(expected.length);
  });

  it("keeps each routed request's features (not its text, by default) so a model can be trained from the ledger", async () => {
    const job = { id: "features-1", kind: "generate" as const, prompt: "Prove that there are infinitely many primes, step by step." };
    const { batchId } = await pipeline.producer.enqueueJobs([job], { batchName: "features" });
    await pipeline.waitForBatch(batchId);
    const [row] = await queryRows<{ routing_features: unknown; prompt: string | null }>(
      pipeline.testDb.database.db,
      sql`select routing_features, prompt from requests where id = 'features-1'`,
    );
    expect(row!.prompt).toBeNull();
    const stored = decodeFeatures(row!.routing_features);
    const fresh = new Featurizer().featurize(job);
    expect(Array.from(stored.indices)).toEqual(Array.from(fresh.indices));
    expect(Array.from(stored.values)).toEqual(Array.from(fresh.values));
    expect(Array.from(stored.dense)).toEqual(Array.from(fresh.dense));
  });

  it("turns the shadow verdicts into training labels, one per request with stored features", async () => {
    const db = pipeline.testDb.database.db;
    const checks = await queryRows<{ request_id: string; agrees: boolean }>(
      db,
      sql`select request_id, agrees from shadow_checks where agrees is not null order by request_id`,
    );
    const labels = await readLedgerLabels(db, { feature: "support-triage" });
    expect(labels.map((label) => [label.requestId, label.label]).sort()).toEqual(
      checks.map((check) => [check.request_id, check.agrees ? 0 : 1]).sort(),
    );
    expect(labels.every((label) => label.source === "shadow")).toBe(true);
    expect(await readLedgerLabels(db, { feature: "no-such-feature" })).toEqual([]);
  });

  it("orders labels by enqueue order, not by id, when a whole batch shares one created_at", async () => {
    // Ids that sort the other way round from the order they are enqueued in.
    const jobs = Array.from({ length: 30 }, (_, index) => ({
      id: `order-${String(99 - index).padStart(2, "0")}`,
      kind: "classify" as const,
      tier: "cheap",
      feature: "label-order",
      prompt: `Ticket ${index}: my parcel never arrived.`,
      labels: TICKET_LABELS,
    }));
    const { batchId } = await pipeline.producer.enqueueJobs(jobs, { batchName: "label order" });
    await pipeline.waitForBatch(batchId);
    const sampled = jobs.filter((job) => shadowSampled(shadowKeyOf("id", { requestId: job.id, batchId, job }), RATE)).map((job) => job.id);
    expect(sampled.length).toBeGreaterThan(5);
    const db = pipeline.testDb.database.db;
    await waitFor(
      () =>
        queryRows<{ n: string }>(
          db,
          sql`select count(*)::text as n from shadow_checks s join requests r on r.id = s.request_id where r.batch_id = ${batchId}`,
        ),
      (rows) => Number(rows[0]!.n) >= sampled.length,
      { what: "shadow checks to land" },
    );
    const [times] = await queryRows<{ n: string }>(
      db,
      sql`select count(distinct created_at)::text as n from requests where batch_id = ${batchId}`,
    );
    expect(Number(times!.n)).toBe(1);
    const labels = await readLedgerLabels(db, { batchId });
    expect(labels.map((label) => label.requestId)).toEqual(sampled);
  });
});
