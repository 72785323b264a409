import { loadRouterConfig } from "../src/config/load-config.js";
import { classifyJob } from "../src/intake/index.js";
import { percentile } from "./bench-env.js";
import { loadExampleJobs } from "./bench-jobs.js";

/** The intake decision's own cost per job: p50/p99 over the example mix, after warm-up. */
export async function classifyOverhead(samples: number): Promise<{ samples: number; p50Us: number; p99Us: number }> {
  const config = await loadRouterConfig();
  const jobs = loadExampleJobs();
  for (let index = 0; index < 20_000; index++) classifyJob(jobs[index % jobs.length]!, config);
  const timings: number[] = [];
  for (let index = 0; index < samples; index++) {
    const job = jobs[index % jobs.length]!;
    const started = process.hrtime.bigint();
    classifyJob(job, config);
    timings.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  timings.sort((a, b) => a - b);
  return { samples, p50Us: percentile(timings, 50), p99Us: percentile(timings, 99) };
}
