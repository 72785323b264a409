import type { Queue } from "bullmq";
import { Gauge, type Registry } from "prom-client";
import type { ModelConfig } from "../config/router-config-schema.js";
import type { ModelGate } from "../guards/model-gate.js";
import type { BudgetGuard } from "../guards/budget-guard.js";
import type { BudgetsConfig } from "../config/budget-config-schema.js";

const QUEUE_STATES = ["waiting", "active", "delayed", "prioritized", "failed"] as const;

/**
 * Gauges read from Redis when Prometheus scrapes, so they show the shared truth (every pod's jobs,
 * the circuit all pods see), not this process's share.
 */
export function registerStateGauges(
  registry: Registry,
  sources: {
    queues: ReadonlyMap<string, Queue>;
    models: () => ModelConfig[];
    gate: ModelGate;
    budgets?: { guard: BudgetGuard; features: () => BudgetsConfig };
  },
): void {
  const budgets = sources.budgets;
  if (budgets) {
    new Gauge({
      name: "llm_router_budget_remaining_usd",
      help: "USD left in each budget (limit - spent - reserved; negative when lowered below use): batches, and features' current UTC day and month",
      labelNames: ["scope", "id", "period"],
      registers: [registry],
      async collect() {
        this.reset();
        for (const batchId of await budgets.guard.budgetedBatches()) {
          const state = await budgets.guard.batchState(batchId);
          if (state) this.set({ scope: "batch", id: batchId, period: "" }, Number(state.remaining) / 1e12);
        }
        for (const feature of Object.keys(budgets.features())) {
          for (const scope of budgets.guard.scopesFor({ batchId: "", feature }).slice(1)) {
            const state = await budgets.guard.state(scope.key);
            const period = scope.label.split(" ").slice(-2).join(" ");
            // A period with no call yet has its whole cap left.
            this.set({ scope: "feature", id: feature, period }, Number(state ? state.remaining : scope.limit!) / 1e12);
          }
        }
      },
    });
  }
  new Gauge({
    name: "llm_router_queue_depth",
    help: "Jobs per queue and state (waiting, active, delayed, prioritized, failed), across all pods",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      for (const [name, queue] of sources.queues) {
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: "llm_router_active_jobs",
    help: "Jobs being worked on per queue, across all pods",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      for (const [name, queue] of sources.queues) this.set({ queue: name }, await queue.getActiveCount());
    },
  });
  new Gauge({
    name: "llm_router_model_circuit_state",
    help: "1 when the model's circuit breaker is open or half-open (calls skipped), 0 when closed",
    labelNames: ["provider", "model"],
    registers: [registry],
    async collect() {
      for (const model of sources.models()) {
        this.set({ provider: model.provider, model: model.model }, (await sources.gate.inspect(model)).circuitOpen ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: "llm_router_model_cooldown_seconds",
    help: "Seconds left in the model's shared cool-down after a 429 (0 when none)",
    labelNames: ["provider", "model"],
    registers: [registry],
    async collect() {
      for (const model of sources.models()) {
        this.set({ provider: model.provider, model: model.model }, (await sources.gate.inspect(model)).coolingDownMs / 1000);
      }
    },
  });
}
