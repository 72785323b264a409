import type { JobInput } from "../../src/jobs/job-schema.js";

export const TICKET_LABELS = ["billing", "bug", "feature_request", "account_access", "shipping", "other"];

const TICKETS = [
  "I was charged twice for my subscription this month, please refund the extra charge.",
  "The app crashes every time I open the settings page on Android 14.",
  "Could you add a dark mode to the dashboard? My eyes hurt at night.",
  "I can't log in, the password reset email never arrives.",
  "My package shows delivered but nothing is at my door. Order #48213.",
  "Where can I download last year's invoices for my accountant?",
];

/** A mixed batch: mostly classification, some summaries and extractions, a few hard generation prompts. */
export function mixedJobs(count: number, idPrefix: string): JobInput[] {
  const jobs: JobInput[] = [];
  for (let index = 0; index < count; index++) {
    const id = `${idPrefix}-${String(index).padStart(4, "0")}`;
    const pick = index % 10;
    if (pick < 6) {
      jobs.push({ id, kind: "classify", prompt: TICKETS[index % TICKETS.length]!, labels: TICKET_LABELS, feature: "support-triage" });
    } else if (pick < 8) {
      jobs.push({
        id,
        kind: "summarize",
        feature: "news-digest",
        prompt:
          "The city council approved a new budget on Tuesday after a long debate. The plan raises spending on " +
          "public transport by twelve percent and cuts the parks budget. Opponents said the cuts would hurt families. " +
          `Supporters said buses are overdue for investment. Story ${index}.`,
      });
    } else if (pick < 9) {
      jobs.push({
        id,
        kind: "extract",
        feature: "invoice-extraction",
        prompt: `Invoice INV-${1000 + index} from Acme Tools Ltd, dated 2026-10-02. Total due: 1,240.50 EUR.`,
        schema: {
          type: "object",
          properties: { vendor: { type: "string" }, invoice_number: { type: "string" }, total: { type: "number" } },
          required: ["vendor", "invoice_number", "total"],
        },
      });
    } else {
      jobs.push({
        id,
        kind: "generate",
        feature: "analysis",
        prompt:
          "Review this function and explain step by step why it is slow, then compare two alternatives and " +
          "justify the trade-offs. What are the implications for memory? How would you prove it terminates?\n" +
          "```ts\nfunction f(xs: number[]) { let out = []; for (const x of xs) { out = [...out, x * 2]; } return out; }\n```",
      });
    }
  }
  return jobs;
}
