import { describe, expect, it } from "vitest";
import type { JobInput } from "../../../src/jobs/job-schema.js";
import { estimateJobs } from "../../../src/estimate/estimate-batch.js";
import { costOf } from "../../../src/pricing/model-rates.js";
import { buildPriceBook } from "../../../src/pricing/price-book.js";
import { ZERO_USAGE } from "../../../src/pricing/usage.js";
import { testConfig } from "../../helpers/pipeline.js";

const LABELS = ["billing", "bug", "other"];
// About 5,000 tokens by the router's 4-characters rule: above every model's cache minimum.
const SYSTEM = "You triage support tickets for a sensor company; read the ticket and pick the one label that fits. ".repeat(205);
const jobs = (n: number, system = SYSTEM): JobInput[] =>
  Array.from({ length: n }, (_, i) => ({ kind: "classify", system, prompt: `Ticket ${i}: charged twice.`, labels: LABELS }));

/** Pinned to one tier's first model, so the arithmetic is one model's. */
const pinned = (model: string) =>
  testConfig({
    tiers: [
      { name: "only", concurrency: 1, models: [{ provider: model.startsWith("claude") ? "anthropic" : "openai", model, timeoutMs: 1000 }] },
    ],
  });

describe("estimate: the prompt-cache discount", () => {
  it("on Anthropic, prices one write of the shared prefix and reads for every other call", () => {
    const config = pinned("claude-haiku-4-5");
    const book = buildPriceBook(config);
    const rates = book.ratesFor("anthropic", "claude-haiku-4-5");
    const on = estimateJobs(jobs(10), config, book, new Map());
    const off = estimateJobs(jobs(10), { ...config, promptCaching: { ...config.promptCaching, enabled: false } }, book, new Map());
    const [row] = on.rows;
    const input = row!.input_tokens / 10;
    const output = Math.round(row!.output_tokens / 10); // the mean label length, rounded per call
    const prefix = row!.cache_read_tokens / 10;
    expect(prefix).toBeGreaterThan(0);
    const read = costOf({ ...ZERO_USAGE, inputTokens: input, outputTokens: output, cacheReadTokens: prefix }, rates);
    const write = costOf({ ...ZERO_USAGE, inputTokens: input, outputTokens: output, cacheWriteTokens: prefix }, rates);
    expect(on.expected).toBe(9n * read + write);
    expect(on.low).toBe(on.expected);
    expect(off.expected).toBe(10n * costOf({ ...ZERO_USAGE, inputTokens: input, outputTokens: output }, rates));
    expect(off.rows[0]!.cache_read_tokens).toBe(0);
    // The worst case writes on every call: never below what caching could cost.
    expect(on.worst).toBeGreaterThan(off.worst);
  });

  it("on OpenAI, reads whole 128-token steps after a first call at plain input", () => {
    const config = pinned("gpt-5-mini");
    const book = buildPriceBook(config);
    const estimate = estimateJobs(jobs(4), config, book, new Map());
    expect(estimate.rows[0]!.cache_read_tokens % (4 * 128)).toBe(0);
    expect(estimate.rows[0]!.cache_read_tokens).toBeGreaterThan(4 * 4_000);
  });

  it("gives no discount where a worker would not mark the prefix: fewer than minSharedJobs, or below the minimum", () => {
    const config = pinned("claude-haiku-4-5");
    const book = buildPriceBook(config);
    expect(estimateJobs(jobs(2), config, book, new Map()).rows[0]!.cache_read_tokens).toBe(0);
    expect(estimateJobs(jobs(10, "Short shared instructions."), config, book, new Map()).rows[0]!.cache_read_tokens).toBe(0);
  });
});

describe("estimate: the batch-lane hook", () => {
  it("prices a job's calls at the batch share it is given, and leaves the worst case at the real-time rate", () => {
    const config = pinned("gpt-5-mini");
    const book = buildPriceBook(config);
    const realtime = estimateJobs(jobs(2), config, book, new Map());
    const halved = estimateJobs(jobs(2), config, book, new Map(), { batchShare: () => 0.5 });
    expect(halved.expected).toBe(realtime.expected / 2n);
    expect(halved.low).toBe(realtime.low / 2n);
    expect(halved.baseline).toBe(realtime.baseline / 2n);
    expect(halved.worst).toBe(realtime.worst);
  });
});

describe("estimate: deadline jobs at batch rates (the default share)", () => {
  const withDeadline = (list: JobInput[], deadline: string | undefined, feature?: string) =>
    list.map((job) => ({ ...job, ...(deadline ? { deadline } : {}), ...(feature ? { feature } : {}) }));

  it("a job with a deadline is priced at its model's batchDiscount, one without at real time", () => {
    const config = pinned("claude-haiku-4-5");
    const book = buildPriceBook(config);
    const realtime = estimateJobs(jobs(4), config, book, new Map());
    const waiting = estimateJobs(withDeadline(jobs(4), "6h"), config, book, new Map());
    expect(waiting.low).toBe(realtime.low / 2n);
    expect(waiting.expected).toBe(realtime.expected / 2n);
    expect(waiting.worst).toBe(realtime.worst);
  });

  it("a feature's deadline rule counts like the job's own; a per-model batchDiscount and batchApi: false are honoured", () => {
    const base = pinned("gpt-5-mini");
    const config = { ...base, deadlines: { nightly: "12h" } };
    const book = buildPriceBook(config);
    const realtime = estimateJobs(withDeadline(jobs(3), undefined, "daytime"), config, book, new Map());
    expect(estimateJobs(withDeadline(jobs(3), undefined, "nightly"), config, book, new Map()).low).toBe(realtime.low / 2n);
    const model = (fields: Record<string, unknown>) => ({
      ...config,
      tiers: config.tiers.map((tier) => ({ ...tier, models: tier.models.map((entry) => ({ ...entry, ...fields })) })),
    });
    const quarter = model({ batchDiscount: 0.25 });
    expect(estimateJobs(withDeadline(jobs(3), "6h"), quarter, buildPriceBook(quarter), new Map()).low).toBe(realtime.low / 4n);
    const optedOut = model({ batchApi: false });
    expect(estimateJobs(withDeadline(jobs(3), "6h"), optedOut, buildPriceBook(optedOut), new Map()).low).toBe(realtime.low);
  });
});
