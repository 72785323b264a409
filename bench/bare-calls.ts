import { modelConfigSchema } from "../src/config/router-config-schema.js";
import { buildPrompt } from "../src/jobs/build-prompt.js";
import { createOpenAIProvider } from "../src/providers/openai-provider.js";
import { pooledFetch } from "../src/providers/pooled-fetch.js";
import { benchJobs } from "./bench-jobs.js";
import { startProcess, writeScenario } from "./processes.js";

export interface BareCallsResult {
  concurrency: number;
  latencyMs: number;
  calls: number;
  callsPerSecond: number;
  /** C / L when L > 0: what the router's tier rows are measured against. */
  idealPerSecond?: number;
  shareOfIdeal?: number;
}

/**
 * The provider call alone, as a worker makes it (the OpenAI adapter on the pooled transport, the
 * bench jobs' prompts), C at a time against the same fake provider process, with no router around
 * it. What this reaches is the ceiling of the rows that make one call per job: at zero latency the
 * end-to-end row, at latency L the tier rows (what the client and the fake lose on their own).
 */
export async function bareCalls(calls: number, concurrency: number, latencyMs = 0): Promise<BareCallsResult> {
  const fake = startProcess(
    ["fake-llm", "--port", "0", "--scenario", await writeScenario({ seed: 1, models: { "*": { latencyMs } } })],
    {},
  );
  const url = await fake.waitFor(/listening on (http:\/\/[\d.:]+)/);
  const provider = createOpenAIProvider({ apiKey: "bench", baseURL: `${url}/v1`, fetch: pooledFetch });
  const model = modelConfigSchema.parse({ provider: "openai", model: "gpt-5-mini" });
  const prompts = benchJobs(Math.min(calls, 1_000), "bare").map((job) => ({ prompt: buildPrompt(job), maxOutputTokens: 256 }));
  const call = (n: number) => provider.complete(model, { ...prompts[n % prompts.length]!, requestId: `bare-${n}` });

  // Warm the client and the connections first, as a worker is warm after its first jobs.
  for (let n = 0; n < Math.min(200, calls); n++) await call(n);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) await call(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await fake.stop();
  const callsPerSecond = calls / seconds;
  if (latencyMs <= 0) return { concurrency, latencyMs, calls, callsPerSecond };
  const idealPerSecond = concurrency / (latencyMs / 1000);
  return { concurrency, latencyMs, calls, callsPerSecond, idealPerSecond, shareOfIdeal: callsPerSecond / idealPerSecond };
}
