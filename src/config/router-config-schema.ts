import { z } from "zod";
import { DEFAULT_QUEUE_CONFIG, queueConfigSchema } from "./queue-config-schema.js";
import { JOB_KINDS } from "../jobs/job-schema.js";
import { parseDeadline } from "../jobs/deadline.js";
import { MAX_WAIT_LIMIT_MS } from "../jobs/max-wait.js";
import { CACHE_TTLS } from "../jobs/prompt-cache-facts.js";
import { budgetsConfigSchema } from "./budget-config-schema.js";
import { catalogContextWindow, FALLBACK_CONTEXT_WINDOW } from "./catalog-context-window.js";
import { checkThresholdCount, defaultRoutingConfig, routingConfigSchema } from "./routing-config-schema.js";

/**
 * The tiers file (YAML, LLM_ROUTER_CONFIG). Parsed once at start-up into a typed object;
 * every field documents its default here, which is where users look it up.
 */

/** A price in USD per million tokens. Strings keep exact decimals ("0.075"); numbers are accepted too. */
const decimalPrice = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .refine((value) => /^\d+(\.\d+)?$/.test(value), { message: "must be a non-negative decimal, e.g. 0.25" });

export const priceOverrideSchema = z
  .object({
    inputMtok: decimalPrice,
    outputMtok: decimalPrice,
    /** Default: inputMtok (no discount known). */
    cacheReadMtok: decimalPrice.optional(),
    /** Default: 1.25 × inputMtok for Anthropic (its published multiplier), inputMtok for OpenAI. Anthropic's 5-minute cache writes. */
    cacheWriteMtok: decimalPrice.optional(),
    /** Default: 2 × inputMtok for Anthropic (its published multiplier), else cacheWriteMtok. Anthropic's 1-hour cache writes. */
    cacheWrite1hMtok: decimalPrice.optional(),
  })
  .strict();
export type PriceOverride = z.infer<typeof priceOverrideSchema>;

export const PROVIDERS = ["anthropic", "openai"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const modelConfigSchema = z
  .object({
    provider: z.enum(PROVIDERS),
    /** The provider's model id, sent as is. */
    model: z.string().min(1),
    /** Per-call timeout. Default 60000. */
    timeoutMs: z.number().int().positive().default(60_000),
    /** Cap on the answer's length when the job gives none. Default 1024. */
    maxOutputTokens: z.number().int().positive().default(1024),
    /**
     * Largest prompt (in tokens, estimated) this model accepts; longer jobs skip it. Default: the
     * model's window in the catalog (@pydantic/genai-prices), else 200000.
     */
    contextWindow: z.number().int().positive().optional(),
    /** Price override; required when the catalog (@pydantic/genai-prices) does not know the model. */
    price: priceOverrideSchema.optional(),
    /** Requests per minute for this model across every pod (enforced in Redis). Default: no limit. */
    rpm: z.number().int().positive().optional(),
    /** Tokens per minute (estimated prompt + max output) across every pod. Default: no limit. */
    tpm: z.number().int().positive().optional(),
    /**
     * Shortest prompt prefix (tokens, estimated at 4 characters a token) the provider caches on this
     * model; shorter prefixes get no cache_control breakpoint. Default: the provider's published minimum
     * (src/jobs/prompt-cache-facts.ts: Anthropic 4096 Haiku 4.5 / Opus 4.5+, 2048 Sonnet 4.6, 1024 older; OpenAI 1024).
     */
    cacheMinTokens: z.number().int().positive().optional(),
    /** Jobs with a deadline may go through this model's provider batch API (docs/batch-lane.md). Default true. */
    batchApi: z.boolean().default(true),
    /** Share of the real-time price a batch item of this model costs. Default: the provider's `batchDiscount`. */
    batchDiscount: z.number().gt(0).max(1).optional(),
  })
  .strict()
  .transform((model) => ({
    ...model,
    contextWindow: model.contextWindow ?? catalogContextWindow(model.provider, model.model) ?? FALLBACK_CONTEXT_WINDOW,
  }));
export type ModelConfig = z.infer<typeof modelConfigSchema>;

/** The batch lane of one tier (docs/batch-lane.md): per model, waiting jobs are submitted together. */
export const batchLaneSchema = z
  .object({
    /** A submission is sent once this many items wait (never above the provider's count and size limits). Default 10000. */
    maxItems: z.number().int().min(1).max(100_000).default(10_000),
    /** …or once the first waiting item has waited this long. Default 60000. */
    maxWaitMs: z.number().int().min(0).default(60_000),
    /** A job uses the lane only while its deadline is at least this far away; else it runs in real time. Default 600000. */
    minRoomMs: z.number().int().min(0).default(600_000),
    /** Our own timeout: a submission not ended this long after it was sent is cancelled (its partial results ingested). Default 90000000 (25 h). */
    timeoutMs: z.number().int().min(1_000).default(90_000_000),
    /** Shortest wait between two polls of one provider batch; doubles while it runs, up to pollMaxMs. Default 1000. */
    pollMinMs: z.number().int().min(10).default(1_000),
    /** Longest wait between two polls. Default 60000. */
    pollMaxMs: z.number().int().min(10).default(60_000),
  })
  .strict();
export type BatchLaneConfig = z.infer<typeof batchLaneSchema>;
export const DEFAULT_BATCH_LANE: BatchLaneConfig = batchLaneSchema.parse({});

/** A deadline: a duration ("90s", "30m", "6h", "2d") from enqueue, or an ISO timestamp. */
export const deadlineTextSchema = z.string().refine((text) => parseDeadline(text) !== undefined, {
  message: 'must be a duration like "6h" / "30m" / "2d" or an ISO timestamp',
});

const TIER_NAME = /^[a-z][a-z0-9-]{0,30}$/;

export const tierConfigSchema = z
  .object({
    /** Lower-case name; becomes the queue `tier-<name>`. */
    name: z.string().regex(TIER_NAME, { message: "tier names are lower-case letters, digits and -, up to 31" }),
    /** Most calls in flight for this tier across every worker process. Default 4. */
    concurrency: z.number().int().positive().max(10_000).default(4),
    /** Tried in order: the first is the tier's primary model, the rest are its fallbacks. */
    models: z.array(modelConfigSchema).min(1, { message: "a tier needs at least one model" }),
    /** How this tier's jobs with a deadline are collected into provider batches. Default: see batchLaneSchema. */
    batchLane: batchLaneSchema.default(DEFAULT_BATCH_LANE),
  })
  .strict();
export type TierConfig = z.infer<typeof tierConfigSchema>;

/** Per-model circuit breaker, shared by every pod through Redis. */
export const circuitBreakerSchema = z
  .object({
    /** Failures are counted over this sliding window. Default 30000. */
    windowMs: z.number().int().min(1_000).default(30_000),
    /** No verdict on fewer calls than this in the window. Default 10. */
    minCalls: z.number().int().min(1).default(10),
    /** Share of failed calls (5xx, 529, timeouts, connection errors) that opens the circuit. Default 0.5. */
    failureRate: z.number().gt(0).max(1).default(0.5),
    /** How long an open circuit skips the model before one probe call is let through. Default 30000. */
    openMs: z.number().int().min(100).default(30_000),
  })
  .strict();
export type CircuitBreakerConfig = z.infer<typeof circuitBreakerSchema>;

/** Prompt caching (docs/prompt-caching.md): breakpoints for Anthropic, cache keys for OpenAI. */
export const promptCachingSchema = z
  .object({
    /** false: no breakpoint and no cache key is ever sent (providers may still cache on their own). Default true. */
    enabled: z.boolean().default(true),
    /** A prefix is marked only when at least this many jobs of the submission share it (a write costs more than input). Default 3. */
    minSharedJobs: z.number().int().min(1).default(3),
    /** Anthropic cache lifetime in the real-time lane. Default "5m". */
    realtimeTtl: z.enum(CACHE_TTLS).default("5m"),
    /** Anthropic cache lifetime in the batch lane (its jobs wait longer between reads). Default "1h". */
    batchTtl: z.enum(CACHE_TTLS).default("1h"),
    /** Most requests a minute one OpenAI prompt_cache_key should see before its cache machine overflows. Default 15. */
    cacheKeyRpm: z.number().int().positive().default(15),
    /**
     * Requests a minute expected for one prefix on one OpenAI model when the model sets no `rpm`;
     * the key is split into ceil(rpm / cacheKeyRpm) shards. Default 60.
     */
    expectedRpm: z.number().int().positive().default(60),
  })
  .strict();
export type PromptCachingConfig = z.infer<typeof promptCachingSchema>;
export const DEFAULT_PROMPT_CACHING: PromptCachingConfig = promptCachingSchema.parse({});

const kindTierDefaults = z
  .object(
    Object.fromEntries(JOB_KINDS.map((kind) => [kind, z.string().optional()])) as Record<
      (typeof JOB_KINDS)[number],
      z.ZodOptional<z.ZodString>
    >,
  )
  .strict();

/** When a tier falls back to its other models (docs/routing.md, "Fallback while the primary cools down"). */
export const fallbackConfigSchema = z
  .object({
    /**
     * While a tier's primary only cools down after a 429, a fallback whose expected cost for the job
     * (prompt + max output, at its prices) is more than this many times the primary's is not used:
     * the job waits for the primary instead (until its deferrals are used up). Set it high (e.g. 1000)
     * to always fall back. Default 2.
     */
    maxCostRatioWhileCooling: z.number().min(1).default(2),
  })
  .strict();

export const routerConfigSchema = z
  .object({
    /** Cheapest first; the last tier is the top tier and the savings baseline. */
    tiers: z.array(tierConfigSchema).min(1, { message: "at least one tier is required" }),
    /** feature name → tier name: a rule that beats the heuristics. Default: none. */
    features: z.record(z.string(), z.string()).default({}),
    /** feature name → deadline ("6h", or an ISO timestamp): its jobs go through the batch lane. A job's own `deadline` wins. Default: none. */
    deadlines: z.record(z.string(), deadlineTextSchema).default({}),
    /** Share of the real-time price a batch item costs, per provider (both publish 50%). Default 0.5 each. */
    batchDiscount: z
      .object({ openai: z.number().gt(0).max(1).default(0.5), anthropic: z.number().gt(0).max(1).default(0.5) })
      .strict()
      .default({ openai: 0.5, anthropic: 0.5 }),
    /**
     * Lowest tier per job kind: heuristics may raise a job above it, never below.
     * Default: every kind starts at the cheapest tier.
     */
    kindFloors: kindTierDefaults.default({}),
    /**
     * Highest tier per job kind that the score (or the llm classifier) may choose; rules (a forced
     * tier or model, a feature) may still go higher. Not below the kind's floor. Default: none.
     */
    kindCeilings: kindTierDefaults.default({}),
    /** Retries on the same model for a retryable error before moving to the next model. Default 1. */
    retriesPerModel: z.number().int().min(0).max(10).default(1),
    /** Upper bound on any wait before a retry, including a provider's retry-after. Default 10000. */
    maxRetryDelayMs: z.number().int().min(0).max(300_000).default(10_000),
    /** Classifier, tier thresholds, trained model, shadow sampling: see routing-config-schema.ts. Default: the heuristic. */
    routing: routingConfigSchema.default(defaultRoutingConfig),
    /** Shared cool-down after a 429 that names no retry-after. Default 1000. */
    rateLimitCooldownMs: z.number().int().min(0).max(600_000).default(1_000),
    /**
     * How often a job may go back to its queue because every model of its tier was cooling down or
     * rate-limited, before it escalates instead. Default 20.
     */
    maxDeferrals: z.number().int().min(0).max(1_000).default(20),
    /**
     * The most a request may wait in all, over every tier, for models that are only busy (cooling down
     * after a 429, circuit open, rpm/tpm limits). Past it the job stops waiting: it escalates, or at the
     * top tier (or pinned to a model) fails with a reason naming the busy models. A batch may set its own
     * (`enqueue --max-wait`, a job's `maxWait`), which wins. Default 600000 (10 min).
     */
    maxWaitMs: z.number().int().min(0).max(MAX_WAIT_LIMIT_MS).default(600_000),
    promptCaching: promptCachingSchema.default(DEFAULT_PROMPT_CACHING),
    fallback: fallbackConfigSchema.default({ maxCostRatioWhileCooling: 2 }),
    /** Hard spending caps per feature per UTC day / month: see budget-config-schema.ts. Default: none. */
    budgets: budgetsConfigSchema,
    /** Redis window over the Postgres backlog, feeder timing, recovery of lost jobs: see queue-config-schema.ts. */
    queue: queueConfigSchema.default(DEFAULT_QUEUE_CONFIG),
    circuitBreaker: circuitBreakerSchema.default({
      windowMs: 30_000,
      minCalls: 10,
      failureRate: 0.5,
      openMs: 30_000,
    }),
  })
  .strict()
  .superRefine((config, ctx) => {
    checkThresholdCount(config.routing, config.tiers.length, ctx);
    const names = config.tiers.map((tier) => tier.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) {
        ctx.addIssue({ code: "custom", path: ["tiers", index, "name"], message: `duplicate tier "${name}"` });
      }
    });
    const known = new Set(names);
    for (const [feature, tier] of Object.entries(config.features)) {
      if (!known.has(tier)) {
        ctx.addIssue({
          code: "custom",
          path: ["features", feature],
          message: `unknown tier "${tier}" (tiers: ${names.join(", ")})`,
        });
      }
    }
    for (const [kind, tier] of Object.entries(config.kindCeilings)) {
      if (tier === undefined) continue;
      if (!known.has(tier)) {
        ctx.addIssue({ code: "custom", path: ["kindCeilings", kind], message: `unknown tier "${tier}" (tiers: ${names.join(", ")})` });
        continue;
      }
      const floor = config.kindFloors[kind as keyof typeof config.kindFloors];
      if (floor !== undefined && names.indexOf(floor) > names.indexOf(tier)) {
        ctx.addIssue({ code: "custom", path: ["kindCeilings", kind], message: `ceiling "${tier}" is below the kind's floor "${floor}"` });
      }
    }
    for (const [kind, tier] of Object.entries(config.kindFloors)) {
      if (tier !== undefined && !known.has(tier)) {
        ctx.addIssue({
          code: "custom",
          path: ["kindFloors", kind],
          message: `unknown tier "${tier}" (tiers: ${names.join(", ")})`,
        });
      }
    }
  });

export type RouterConfig = z.infer<typeof routerConfigSchema>;
