import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { routerConfigSchema, type RouterConfig } from "../../../src/config/router-config-schema.js";
import { jobInputSchema, type JobInput } from "../../../src/jobs/job-schema.js";

/** The shipped config/tiers.yaml, parsed the way the router parses it. */
export function loadDefaultConfig(): RouterConfig {
  const path = fileURLToPath(new URL("../../../config/tiers.yaml", import.meta.url));
  return routerConfigSchema.parse(parse(readFileSync(path, "utf8")));
}

export const TICKET = "My card was charged twice for the March invoice, please refund one of them.";

export const CODE_REVIEW = `Please review this TypeScript function from our billing service.

\`\`\`ts
export async function settle(invoices: Invoice[], ledger: Ledger): Promise<number> {
  let total = 0;
  for (const invoice of invoices) {
    if (invoice.status === "open") {
      total += invoice.amount * (1 + invoice.taxRate);
      await ledger.post(invoice.id, invoice.amount);
    }
  }
  return total;
}
\`\`\`

And the caller:

\`\`\`ts
const paid = await settle(await repo.openInvoices(), ledger);
metrics.gauge("settled", paid);
\`\`\`

1. Is there a race condition when two workers settle the same invoice? Explain why, step by step.
2. Compare posting inside the loop with a single batched transaction: what are the trade-offs for latency and correctness?
3. How would you debug a mismatch between \`total\` and the ledger sum, and what is the likely root cause?
4. Should we use floating point for money here? Justify your answer and propose a design that must not lose cents.

Analyze the implications for retries as well: the ledger post must be idempotent.`;

const PARAGRAPHS = [
  "The city council voted on Tuesday to approve a new transit plan that will add three bus lines and extend the light rail to the airport by 2028.",
  "Officials said the project would cost about 1.2 billion dollars, paid for by a mix of federal grants, a regional sales tax and fares.",
  '"This is the biggest investment in public transport in a generation," the mayor told reporters outside city hall after the vote.',
  "Opponents argued that the sales tax would fall hardest on low-income residents and that ridership had not recovered since the pandemic.",
  "Under the plan, buses on the busiest routes will run every ten minutes during the day, and night service will be added on weekends.",
  "Construction on the rail extension is expected to begin next spring, and the council will review progress in public hearings each year.",
  "Local businesses near the planned stations welcomed the news, saying more foot traffic would help shops that struggled in recent years.",
  "The regional transit agency said it would hire about 300 new drivers and mechanics over the next two years to staff the expanded network.",
];

/** About 5 KB of plain news prose: long, but nothing hard to summarize. */
export const NEWS_ARTICLE = Array.from({ length: 4 }, () => PARAGRAPHS.join(" ")).join("\n\n");

/** A job as the producer would accept it (parsed by the real schema); defaults to the ticket prompt. */
export function makeJob(fields: Partial<JobInput> & Pick<JobInput, "kind">): JobInput {
  const base = fields.messages ? {} : { prompt: TICKET };
  const labels = fields.kind === "classify" && !fields.labels ? { labels: ["billing", "refund", "other"] } : {};
  return jobInputSchema.parse({ ...base, ...labels, ...fields });
}
