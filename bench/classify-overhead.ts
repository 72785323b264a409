import { loadRouterConfig } from "../src/config/load-config.js";
import type { RouterConfig } from "../src/config/router-config-schema.js";
import { SHIPPED_MODEL_FILE } from "../src/config/shipped-model.js";
import { classifyJob, loadClassifier } from "../src/intake/index.js";
import { percentile } from "./bench-env.js";
import { loadExampleJobs } from "./bench-jobs.js";

export interface ClassifyOverhead {
  classifier: string;
  samples: number;
  p50Us: number;
  p99Us: number;
}

/**
 * The intake decision's own cost per job: p50/p99 over the example mix, after warm-up, for the
 * heuristic and the trained classifier (the shipped model, or `modelFile` / BENCH_MODEL_FILE, a
 * `train` output).
 */
export async function classifyOverhead(
  samples: number,
  modelFile = process.env.BENCH_MODEL_FILE ?? SHIPPED_MODEL_FILE,
): Promise<ClassifyOverhead[]> {
  const base = await loadRouterConfig();
  const configs: RouterConfig[] = [
    { ...base, routing: { ...base.routing, classifier: "heuristic" } },
    { ...base, routing: { ...base.routing, classifier: "trained", modelFile } },
  ];
  const jobs = loadExampleJobs();
  return configs.map((config) => {
    const classifier = loadClassifier(config);
    for (let index = 0; index < 20_000; index++) classifyJob(jobs[index % jobs.length]!, config, classifier);
    const timings: number[] = [];
    for (let index = 0; index < samples; index++) {
      const job = jobs[index % jobs.length]!;
      const started = process.hrtime.bigint();
      classifyJob(job, config, classifier);
      timings.push(Number(process.hrtime.bigint() - started) / 1000);
    }
    timings.sort((a, b) => a - b);
    return { classifier: config.routing.classifier, samples, p50Us: percentile(timings, 50), p99Us: percentile(timings, 99) };
  });
}
