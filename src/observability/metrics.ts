import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus series served on /metrics. Cost is a float here: metrics are for dashboards, the ledger is exact. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    jobs: new Counter({
      name: "llm_router_jobs_total",
      help: "Jobs finished by a stage, by outcome (routed, succeeded, escalated, failed)",
      labelNames: ["stage", "outcome"],
      registers: [registry],
    }),
    attempts: new Counter({
      name: "llm_router_attempts_total",
      help: "Provider calls by tier, provider, model and outcome (ok, error, invalid)",
      labelNames: ["tier", "provider", "model", "outcome"],
      registers: [registry],
    }),
    escalations: new Counter({
      name: "llm_router_escalations_total",
      help: "Jobs moved to a higher tier, by source and target tier",
      labelNames: ["from", "to"],
      registers: [registry],
    }),
    costUsd: new Counter({
      name: "llm_router_cost_usd_total",
      help: "Spend in USD by tier and model (approximate; the attempts table is exact)",
      labelNames: ["tier", "model"],
      registers: [registry],
    }),
    ledgerWriteFailures: new Counter({
      name: "llm_router_ledger_write_failures_total",
      help: "Failed ledger writes: transient (retried until Postgres is back) or permanent (the job fails with the reason)",
      labelNames: ["kind"],
      registers: [registry],
    }),
    callsInFlight: new Gauge({
      name: "llm_router_calls_in_flight",
      help: "Provider calls of this process's tier runs (not shadow checks) sent and not yet heard back from, by tier",
      labelNames: ["tier"],
      registers: [registry],
    }),
    latency: new Histogram({
      name: "llm_router_provider_latency_seconds",
      help: "Provider call latency by model and outcome",
      labelNames: ["model", "outcome"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
