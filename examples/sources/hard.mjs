// Hand-written hard `generate` jobs: multi-part analysis questions (`analysis`) and code reviews /
// debugging tasks (`code-review`). These are meant to look clearly harder than the support tickets:
// longer, several questions, reasoning, code blocks.

const fence = (lang, code) => "```" + lang + "\n" + code.trim() + "\n```";

export const analysis = [
  {
    topic: "database-choice",
    text: `We're choosing the primary datastore for a multi-tenant IoT telemetry service and the team is split between PostgreSQL (with TimescaleDB) and DynamoDB. Constraints:

- ~4,000 tenants today, expected 25,000 in two years; the largest tenant is ~9x the median.
- Writes: ~12,000 readings/second at peak, each ~200 bytes; reads are mostly "last 7 days for one sensor" and "daily aggregates for one tenant over 90 days".
- Retention: 13 months raw, then aggregates only.
- The team has deep Postgres experience and none with DynamoDB. We run on a single cloud provider and are fine with managed services.
- Tenants in the EU must have their data stored in the EU.

Please answer each part separately:
1. Estimate the raw storage needed for 13 months (show your arithmetic) and what that implies for each option.
2. Design the key / partition scheme for DynamoDB and the table / hypertable layout for Postgres. How does each handle the "noisy large tenant" problem?
3. Compare the cost drivers of each option qualitatively. Which one becomes cheaper as the workload grows, and why?
4. What are the two or three biggest operational risks of each?
5. Make a recommendation and state which assumption, if it turned out false, would flip it.`,
  },
  {
    topic: "scheduling-word-problem",
    text: `A small lab has three test rigs (A, B, C) and six firmware builds to validate before a release on Friday 17:00. Work hours are 09:00-17:00, Monday to Friday, and a rig can run only one build at a time.

Constraints:
- Build 1 needs 6 hours and must run on rig A (the only one with the LoRa radio).
- Build 2 needs 4 hours and cannot start until build 1 has passed.
- Builds 3 and 4 need 5 hours each and can run on any rig, but not at the same time as each other (they share a power analyser).
- Build 5 needs 9 hours total; it may be split across days but every session must be at least 3 hours long.
- Build 6 needs 3 hours, must run on rig C, and must finish by Wednesday 12:00.
- Rig B is unavailable all day Tuesday for calibration.
- Every build has a 25% chance of failing and needing a full re-run.

Questions:
a) Ignoring failures, what is the earliest time all six builds can be done, starting Monday 09:00? Give a concrete schedule (rig, start, end per build) and explain why it is optimal or near-optimal.
b) How much slack is left before the Friday deadline?
c) Assuming each build independently fails at most once (25% chance), what is the probability that at least one re-run is needed? What is the expected total rig-hours including re-runs?
d) Which single constraint, if removed, would shorten the schedule the most? Justify.`,
  },
  {
    topic: "proof-and-flawed-proof",
    text: `Three related questions about induction. Please be rigorous and show every step.

1. Prove that for every integer n ≥ 1, the sum of the first n odd numbers equals n².

2. Generalise: find a closed form for the sum of the first n terms of the arithmetic sequence a, a + d, a + 2d, ... and prove it by induction. Show that your formula reduces to the result in part 1 for the right choice of a and d.

3. A colleague offers this "proof" that all horses are the same colour:

   Base case: in any set of 1 horse, all horses are the same colour.
   Step: assume any set of n horses is the same colour. Take a set of n + 1 horses. Remove horse #1: the remaining n are the same colour. Remove horse #n+1 instead: those n are the same colour. The two sets overlap, so all n + 1 horses are the same colour.

   Identify precisely which step fails and for which value of n. Then explain, in general terms, what a reader should check in an inductive step to catch this kind of error.`,
  },
  {
    topic: "retry-probability",
    text: `Our batch worker calls an LLM API. For each call, independent of other calls:
- 90% succeed on the first try,
- 7% fail with a retryable error (429 or 529),
- 3% fail with a non-retryable error (400).

A retryable failure is retried with exponential backoff: waits of 1 s, 2 s, 4 s, then we give up (so at most 4 attempts). Assume the retry attempts have the same probabilities as the first attempt, and each attempt takes 2 s of latency whether it succeeds or fails.

Please work out, showing the reasoning:
1. The probability that a job ultimately succeeds.
2. The probability that a job exhausts all 4 attempts.
3. The expected number of attempts per job, and the expected wall-clock time per job (attempt latency + backoff waits).
4. If each attempt costs $0.004 (failed attempts are billed too), what is the expected cost per successful job?
5. Our product manager suggests raising the limit to 6 attempts. By how much does that improve the success rate, and is it worth it? Discuss what the independence assumption hides in practice (e.g. during a provider outage).`,
  },
  {
    topic: "rate-limiter-design",
    text: `Design a rate limiter for a public REST API that runs in three regions (eu-west, us-east, ap-southeast). Requirements:

- Limits are per API key: 100 requests/second sustained, bursts up to 300.
- A customer's traffic can hit any region (they use a global load balancer).
- The total over all regions should not exceed the limit by more than ~10%.
- Added latency for the rate-limit check must stay under 2 ms at p99.
- If the rate-limit store is down, the API should keep serving traffic.

Please cover:
1. Which algorithm (token bucket, sliding window log, sliding window counter, GCRA) and why.
2. Where state lives and how regions coordinate — compare at least two approaches (e.g. a global store vs. per-region budgets with periodic rebalancing).
3. How you'd achieve the 10% accuracy bound; describe a scenario where your design overshoots and by how much.
4. Failure modes: store outage, network partition between regions, clock skew.
5. What you would return to the client (status codes, headers) and how clients should back off.`,
  },
  {
    topic: "capacity-planning",
    text: `Capacity planning question — please show the arithmetic.

Our LLM batch service receives jobs in bursts: a nightly batch of 180,000 jobs arrives at 01:00 and must finish by 06:00. Jobs are routed to three tiers:
- cheap: 70% of jobs, mean latency 1.8 s, provider limit 600 requests/minute
- balanced: 25% of jobs, mean latency 6 s, provider limit 200 requests/minute
- premium: 5% of jobs, mean latency 22 s, provider limit 40 requests/minute

Each worker slot handles one request at a time.

1. Using Little's law, how many concurrent slots does each tier need to finish in the 5-hour window? Is any tier limited by the provider's rate limit rather than by concurrency?
2. Which tier finishes last, and when, if each tier gets exactly the concurrency you computed?
3. 8% of cheap-tier jobs fail validation and escalate to balanced. Redo the balanced-tier numbers. Does it still finish in time?
4. If the premium provider has an outage from 02:00 to 03:30, what happens to the plan and what would you change (concurrency, fallback provider, deferring jobs)?
5. Name two assumptions in this model that are most likely wrong in real life and how they would change the answer.`,
  },
  {
    topic: "tiering-economics",
    text: `We are evaluating three routing strategies for a workload of 1 million classification jobs per month (average 900 input tokens, 10 output tokens each):

Strategy A — everything on the premium model: $5.00 per million input tokens, $25.00 per million output tokens, 97% accuracy.
Strategy B — everything on the cheap model: $0.25 per million input tokens, $2.00 per million output tokens, 89% accuracy.
Strategy C — cheap first; an answer that fails validation (about 6% of jobs) is re-run on premium. Among the jobs that pass validation, the cheap model is 92% accurate; premium is 97% accurate on the escalated ones.

Each wrong classification costs the business an estimated $0.02 (manual correction downstream).

1. Compute the monthly model cost of each strategy (show the token arithmetic).
2. Compute the expected overall accuracy of strategy C and the monthly cost of errors for all three.
3. Which strategy minimises total cost (model + errors)? At what cost per error does A become the best choice?
4. Strategy C's accuracy estimate assumes validation failures are independent of correctness. Explain why that assumption is probably wrong and in which direction it biases the result.
5. Propose one additional signal (besides validation failure) that could decide escalation, and how you would measure whether it helps.`,
  },
  {
    topic: "seating-logic-puzzle",
    text: `Logic puzzle with constraints — please reason step by step and show how you eliminate options rather than just stating the answer.

Six engineers — Ana, Bilal, Chen, Dora, Emeka and Fiona — must be assigned to the six weeks of the on-call rotation (weeks 1-6, one person per week). Constraints:

1. Ana and Bilal cannot be on call in consecutive weeks.
2. Chen must be on call before Dora.
3. Emeka is on call in week 2 or week 5.
4. Fiona cannot be on call in week 1 or week 6.
5. Dora must be on call in an even week.
6. Bilal must be on call after Emeka.
7. There is exactly one week between Chen's week and Fiona's week (e.g. Chen week 1, Fiona week 3).

Questions:
a) Find all valid assignments.
b) If a seventh constraint is added, "Ana is on call in week 1", how many assignments remain?
c) Which single constraint could be removed to produce the largest increase in the number of valid assignments? Explain how you counted.`,
  },
  {
    topic: "ab-test-significance",
    text: `We ran an A/B test on the pricing page for 21 days.

- Control: 48,210 visitors, 1,398 trial signups, 402 of those converted to paid within 14 days.
- Variant: 47,905 visitors, 1,521 trial signups, 389 converted to paid within 14 days.

Please:
1. Compute the visitor→trial and trial→paid conversion rates for both arms, and visitor→paid overall.
2. Test whether the difference in visitor→trial is statistically significant (two-proportion z-test, α = 0.05). Show the pooled proportion, standard error and z.
3. Do the same for visitor→paid. What do the two results together suggest about the variant?
4. The variant's trials were still being counted up to day 21, but paid conversion needs 14 days: explain why this biases the trial→paid comparison and how you would correct for it.
5. What is the minimum detectable effect on visitor→paid with this sample size (80% power)? Was the test adequately powered?
6. Give a clear recommendation to the product team in three sentences.`,
  },
  {
    topic: "ledger-design",
    text: `We are building a prepaid credits ledger for our API: customers buy credits, every API call debits credits, and we must never let a balance go negative or lose a debit. Peak load is 5,000 debits/second across 50,000 customers, heavily skewed (the top 10 customers generate 40% of debits).

Please answer:
1. Compare (a) updating a balance column with a conditional UPDATE, (b) an append-only ledger table with a periodically materialised balance, and (c) per-customer in-memory actors with write-ahead logging. What consistency guarantees does each give, and how does each handle the hot customers?
2. How do you make debits idempotent when the caller retries after a timeout? Specify the key, where it's stored, and for how long.
3. Describe exactly-once vs. at-least-once semantics in this design. Where can a double debit or a lost debit still happen, and how would you detect it?
4. How would you reconcile the ledger against the payment provider daily? What invariants would you check?
5. Sketch the schema for your chosen approach (tables, key columns, indexes).`,
  },
  {
    topic: "cache-invalidation-tradeoffs",
    text: `Our product catalog API serves 30k requests/second; 95% are reads. The catalog (~2M items) lives in Postgres. Prices change ~200 times/second during sales events, otherwise ~5/second. Today we cache items in Redis with a 10-minute TTL, and customers occasionally see a stale price at checkout, which causes support tickets and, in some jurisdictions, a legal obligation to honour the displayed price.

1. Explain the failure mode precisely: what sequence of events leads to a stale price being shown and then charged?
2. Evaluate these options: shorter TTL; write-through cache; invalidate-on-write via Postgres logical replication (CDC); versioned keys; reading prices directly from Postgres at checkout only. For each, state what it fixes, what it costs, and any new failure mode it introduces.
3. During a sale, how would a thundering herd show up after an invalidation, and how do you prevent it?
4. Propose a design that guarantees the price charged equals the price shown on the checkout page, even if the catalog changed in between. Is that the same thing as "no stale reads"?`,
  },
];

export const codeReviews = [
  {
    lang: "typescript",
    text: `Please review this retry helper we use around every provider call. I think it has at least three bugs but I can't pin them all down. For each problem: explain what goes wrong, give an input or scenario that triggers it, and propose a fix. Then rewrite the function.

${fence("ts", `
export async function withRetry<T>(
  fn: () => Promise<T>,
  opts: { retries?: number; baseDelayMs?: number; isRetryable?: (e: unknown) => boolean } = {},
): Promise<T> {
  const { retries = 3, baseDelayMs = 200, isRetryable = () => true } = opts;
  let attempt = 0;
  while (true) {
    try {
      return fn();
    } catch (err) {
      attempt++;
      if (attempt > retries || !isRetryable(err)) throw err;
      const delay = baseDelayMs * 2 ** attempt + Math.random() * baseDelayMs;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
`)}

Also: should it respect a Retry-After header from a 429? How would you change the signature to support that and an AbortSignal?`,
  },
  {
    lang: "python",
    text: `Code review request. This function pages through our API and collects all sensors for a tenant. In production we sometimes get duplicates and sometimes miss the last page, and memory grows across calls in our long-running worker. Find the bugs, explain each, and suggest a corrected version. Also comment on testability.

${fence("python", `
import requests

def fetch_all_sensors(tenant_id, page_size=100, seen=[]):
    results = []
    page = 1
    while True:
        resp = requests.get(
            f"https://api.example.com/v2/tenants/{tenant_id}/sensors",
            params={"page": page, "per_page": page_size},
        )
        data = resp.json()
        for s in data["items"]:
            if s["id"] not in seen:
                seen.append(s["id"])
                results.append(s)
        if len(data["items"]) < page_size or page * page_size >= data["total"]:
            break
        page += 1
    return results
`)}

Context: sensors can be created while we're paging (the API orders by created_at DESC), and "total" is computed at request time.`,
  },
  {
    lang: "sql",
    text: `Our "monthly active tenants" report is returning numbers about 3x higher than the billing system and it takes 40+ seconds. Please (1) explain why the count is inflated, (2) rewrite the query correctly, (3) suggest indexes, and (4) explain how you would verify the fix against billing.

${fence("sql", `
SELECT date_trunc('month', r.taken_at) AS month,
       COUNT(t.id) AS active_tenants,
       SUM(i.amount_cents) / 100.0 AS revenue
FROM tenants t
JOIN sensors s   ON s.tenant_id = t.id
JOIN readings r  ON r.sensor_id = s.id
LEFT JOIN invoices i ON i.tenant_id = t.id
WHERE r.taken_at >= now() - interval '12 months'
  AND t.status <> 'deleted'
GROUP BY 1
ORDER BY 1;
`)}

Table sizes: tenants 40k, sensors 1.2M, readings 9 billion (partitioned by month on taken_at), invoices 500k. Postgres 16.`,
  },
  {
    lang: "typescript",
    text: `Security and correctness review please. This Express route was written in a hurry for a customer demo and is now in production.

${fence("ts", `
app.get("/api/tenants/:tenantId/export", async (req, res) => {
  const { tenantId } = req.params;
  const { from, to, format } = req.query as Record<string, string>;
  const rows = db.query(
    "SELECT * FROM readings WHERE tenant_id = '" + tenantId + "' AND taken_at BETWEEN '" + from + "' AND '" + to + "'"
  );
  if (format === "csv") {
    res.setHeader("Content-Type", "text/csv");
    res.send(rows.map((r: any) => Object.values(r).join(",")).join("\\n"));
  } else {
    res.json(rows);
  }
  logger.info("export done", { tenantId, count: rows.length });
});
`)}

List every problem you can find, ordered by severity (security first), and explain each one. Then show a corrected version using parameterised queries, input validation, authorisation against req.user, streaming for large exports, and proper CSV escaping. What tests would you add?`,
  },
  {
    lang: "python",
    text: `We have a race condition somewhere in this asyncio code. Under load, the "processed" count is lower than the number of jobs and some results are written twice. Explain the problems, step by step, with an interleaving that demonstrates each one, and propose a fix. Would you use a lock, a queue, or restructure entirely? Why?

${fence("python", `
import asyncio

processed = 0
results = {}

async def handle(job, client):
    global processed
    if job.id in results:
        return
    answer = await client.complete(job.prompt)
    results[job.id] = answer
    current = processed
    await asyncio.sleep(0)  # yield to let other tasks run
    processed = current + 1

async def run(jobs, client, concurrency=20):
    sem = asyncio.Semaphore(concurrency)
    async def guarded(job):
        async with sem:
            await handle(job, client)
    await asyncio.gather(*(guarded(j) for j in jobs))
    return processed, results
`)}

Jobs can appear more than once in the input list (the upstream exporter occasionally duplicates them).`,
  },
  {
    lang: "sql",
    text: `Review this migration before we run it on production. The orders table has ~180 million rows and receives ~400 writes/second; we cannot take more than a few seconds of write downtime.

${fence("sql", `
BEGIN;
ALTER TABLE orders ADD COLUMN fulfilment_region text NOT NULL DEFAULT 'eu-west';
UPDATE orders SET fulfilment_region = 'us-east' WHERE shipping_country IN ('US', 'CA', 'MX');
CREATE INDEX idx_orders_region_created ON orders (fulfilment_region, created_at);
ALTER TABLE orders ADD CONSTRAINT fk_orders_region FOREIGN KEY (fulfilment_region) REFERENCES regions(code);
COMMIT;
`)}

For each statement, explain what locks it takes and for how long on Postgres 15, what would happen to production traffic, and rewrite the migration as a sequence of safe steps (possibly several deploys). Also explain what the application code must do between the steps.`,
  },
  {
    lang: "typescript",
    text: `This React component is supposed to poll a sensor's latest reading every 10 seconds and show it. Users report: the reading sometimes shows a different sensor's value after switching sensors, the network tab shows polling requests multiplying over time, and there's a "state update on an unmounted component" warning. Please find the causes and fix them. Explain the role of the dependency array and the cleanup function in each bug.

${fence("tsx", `
function LatestReading({ sensorId }: { sensorId: string }) {
  const [reading, setReading] = useState<Reading | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const load = async () => {
      try {
        const res = await fetch("/api/sensors/" + sensorId + "/latest");
        setReading(await res.json());
      } catch (e) {
        setError(String(e));
      }
    };
    load();
    setInterval(load, 10_000);
  }, []);

  if (error) return <ErrorBanner message={error} />;
  return reading ? <ReadingCard reading={reading} /> : <Spinner />;
}
`)}

Bonus: would you replace this with a data-fetching library? What would you gain and lose?`,
  },
  {
    lang: "python",
    text: `Debugging help: our nightly export job crashes with the trace below. It worked until we added the "parent" relation to Sensor last week. Explain what's happening, why it only fails for some tenants, and propose at least two fixes with their trade-offs.

${fence("", `
Traceback (most recent call last):
  File "/app/export/run.py", line 88, in export_tenant
    payload = json.dumps(tenant_tree, default=encode)
  File "/usr/lib/python3.11/json/__init__.py", line 238, in dumps
    **kw).encode(obj)
  File "/usr/lib/python3.11/json/encoder.py", line 200, in encode
    chunks = self.iterencode(o, _one_shot=True)
  File "/usr/lib/python3.11/json/encoder.py", line 258, in iterencode
    return _iterencode(o, 0)
  File "/app/export/encoders.py", line 14, in encode
    return {**obj.__dict__, "children": [encode(c) for c in obj.children]}
  File "/app/export/encoders.py", line 14, in encode
    return {**obj.__dict__, "children": [encode(c) for c in obj.children]}
  [Previous line repeated 980 more times]
RecursionError: maximum recursion depth exceeded while calling a Python object
`)}

${fence("python", `
def encode(obj):
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, Sensor):
        return {**obj.__dict__, "children": [encode(c) for c in obj.children]}
    raise TypeError(type(obj).__name__)
`)}

Sensor has .parent (a Sensor or None) and .children (list of Sensor). A customer support script recently let admins "re-parent" sensors.`,
  },
  {
    lang: "typescript",
    text: `Our Node service started logging these lines a few hours after each deploy, and then requests to the provider start failing. Please explain what the warning means, what the stack trace tells us, the likely root cause in the code below, and how to fix it. Also: why does it take hours to appear?

${fence("", `
(node:4121) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 11 abort listeners added to [AbortSignal]. Use events.setMaxListeners() to increase limit
    at [kNewListener] (node:internal/event_target:571:17)
    at AbortSignal.addEventListener (node:internal/event_target:680:23)
    at callProvider (/srv/app/dist/providers/call.js:22:16)
Error: read ECONNRESET
    at TLSWrap.onStreamRead (node:internal/stream_base_commons:217:20) {
  errno: -104, code: 'ECONNRESET', syscall: 'read'
}
`)}

${fence("ts", `
const shutdown = new AbortController(); // aborted on SIGTERM

export async function callProvider(body: unknown, timeoutMs: number) {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  shutdown.signal.addEventListener("abort", () => timeout.abort());
  const res = await fetch(PROVIDER_URL, {
    method: "POST",
    body: JSON.stringify(body),
    signal: timeout.signal,
    keepalive: true,
  });
  return res.json();
}
`)}`,
  },
];

export const legal = [
  {
    kind: "summarize",
    text: `Summarise the following limitation-of-liability clause for a non-lawyer product manager. Point out anything unusual compared with a typical SaaS agreement.

12. LIMITATION OF LIABILITY
12.1 Except in respect of Excluded Claims, neither party's aggregate liability arising out of or in connection with this Agreement, whether in contract, tort (including negligence), breach of statutory duty or otherwise, shall exceed the greater of (a) the Fees paid or payable by the Customer in the twelve (12) months immediately preceding the event giving rise to the claim, and (b) one hundred thousand pounds (£100,000).
12.2 Neither party shall be liable for any loss of profits, loss of business, depletion of goodwill, loss of anticipated savings, or any indirect or consequential loss, howsoever arising.
12.3 "Excluded Claims" means: (i) liability for death or personal injury caused by negligence; (ii) fraud or fraudulent misrepresentation; (iii) the Customer's obligation to pay the Fees; (iv) either party's indemnity obligations under clause 11; and (v) the Supplier's breach of clause 9 (Data Protection), in respect of which the Supplier's aggregate liability shall not exceed three (3) times the Fees paid in the preceding twelve (12) months.
12.4 The parties acknowledge that the limitations in this clause 12 are reasonable having regard to the Fees and the availability of insurance.`,
  },
  {
    kind: "extract",
    text: `Extract the termination terms from this clause.

14. TERM AND TERMINATION
14.1 This Agreement commences on the Effective Date and continues for an Initial Term of thirty-six (36) months, after which it shall automatically renew for successive Renewal Terms of twelve (12) months each unless either party gives written notice of non-renewal at least ninety (90) days before the end of the then-current term.
14.2 Either party may terminate this Agreement immediately by written notice if the other party commits a material breach which is irremediable or, if remediable, is not remedied within thirty (30) days of receiving written notice of the breach.
14.3 The Customer may terminate this Agreement for convenience on not less than one hundred and eighty (180) days' written notice, provided that the Customer pays an early termination fee equal to fifty percent (50%) of the Fees that would have been payable for the remainder of the Initial Term.
14.4 This Agreement shall be governed by and construed in accordance with the laws of England and Wales.`,
    schema: {
      type: "object",
      properties: {
        initial_term_months: { type: "integer" },
        renewal_term_months: { type: ["integer", "null"] },
        auto_renews: { type: "boolean" },
        non_renewal_notice_days: { type: ["integer", "null"] },
        cure_period_days: { type: ["integer", "null"] },
        termination_for_convenience: {
          type: "object",
          properties: {
            allowed: { type: "boolean" },
            notice_days: { type: ["integer", "null"] },
            fee_description: { type: ["string", "null"] },
          },
          required: ["allowed", "notice_days", "fee_description"],
        },
        governing_law: { type: ["string", "null"] },
      },
      required: [
        "initial_term_months",
        "renewal_term_months",
        "auto_renews",
        "non_renewal_notice_days",
        "cure_period_days",
        "termination_for_convenience",
        "governing_law",
      ],
    },
  },
  {
    kind: "summarize",
    text: `Summarise the obligations this indemnity clause creates for each party, and list any conditions the indemnified party must meet to rely on it.

11. INDEMNITIES
11.1 The Supplier shall defend, indemnify and hold harmless the Customer against all claims, damages, losses and reasonable legal costs arising from any claim by a third party that the Customer's use of the Services in accordance with this Agreement infringes that third party's intellectual property rights (an "IPR Claim").
11.2 Clause 11.1 shall not apply to the extent an IPR Claim arises from (a) any modification of the Services not made by or on behalf of the Supplier; (b) the combination of the Services with any software, hardware or data not supplied or approved in writing by the Supplier; or (c) the Customer's continued use of the Services after being notified of the alleged infringement and offered a non-infringing alternative at no additional cost.
11.3 If an IPR Claim is made or in the Supplier's reasonable opinion is likely to be made, the Supplier may at its option (a) procure the right for the Customer to continue using the Services; (b) modify or replace the Services so they become non-infringing without material loss of functionality; or (c) if (a) and (b) are not commercially reasonable, terminate the affected Services and refund any prepaid Fees for the unexpired period.
11.4 The indemnified party shall (a) notify the indemnifying party in writing of any claim promptly and in any event within fifteen (15) Business Days; (b) give the indemnifying party sole control of the defence and settlement, provided no settlement imposes any liability or admission on the indemnified party without its prior written consent; and (c) provide reasonable cooperation at the indemnifying party's expense.`,
  },
  {
    kind: "extract",
    text: `Extract the auto-renewal and price-change terms from this order form excerpt.

ORDER FORM — Fernwise Team Plan
Subscription Term: 12 months from 1 April 2025.
Renewal: This subscription renews automatically for successive 12-month periods unless the Customer cancels via the admin console or by email to billing@fernwise.example.com no later than 30 days before the renewal date.
Pricing: £15.00 per Seat per month, billed annually in advance. Minimum 10 Seats.
Price changes: Fernwise may change the per-Seat price on renewal by giving at least 60 days' written notice before the renewal date. Any increase shall not exceed 7% per renewal or the UK CPI rate for the preceding 12 months plus 3%, whichever is higher.
Additional Seats: added mid-term are charged pro rata at the then-current per-Seat price and co-terminate with the Subscription Term.`,
    schema: {
      type: "object",
      properties: {
        term_months: { type: "integer" },
        start_date: { type: "string", description: "ISO 8601 date" },
        auto_renews: { type: "boolean" },
        cancellation_notice_days: { type: ["integer", "null"] },
        cancellation_methods: { type: "array", items: { type: "string" } },
        price_per_seat: { type: "number" },
        currency: { type: "string", description: "ISO 4217 code" },
        minimum_seats: { type: ["integer", "null"] },
        price_change_notice_days: { type: ["integer", "null"] },
        price_increase_cap: { type: ["string", "null"] },
      },
      required: [
        "term_months",
        "start_date",
        "auto_renews",
        "cancellation_notice_days",
        "cancellation_methods",
        "price_per_seat",
        "currency",
        "minimum_seats",
        "price_change_notice_days",
        "price_increase_cap",
      ],
    },
  },
  {
    kind: "summarize",
    text: `Summarise this data-processing clause in plain English, then list the concrete obligations on the processor with their deadlines.

9. DATA PROTECTION
9.1 The Supplier shall process Customer Personal Data only on the documented instructions of the Customer, including with regard to transfers to a third country, unless required to do so by applicable law, in which case the Supplier shall inform the Customer of that legal requirement before processing unless prohibited by law.
9.2 The Supplier shall not engage any Sub-processor without the Customer's prior general written authorisation. The Supplier shall notify the Customer of any intended addition or replacement of Sub-processors at least thirty (30) days in advance, and the Customer may object on reasonable data-protection grounds within fourteen (14) days of such notice. If the parties cannot resolve the objection, the Customer may terminate the affected Services without penalty.
9.3 The Supplier shall notify the Customer without undue delay, and in any event within forty-eight (48) hours, after becoming aware of a Personal Data Breach, providing the information reasonably required for the Customer to meet its own notification obligations.
9.4 On termination, the Supplier shall, at the Customer's choice, delete or return all Customer Personal Data within thirty (30) days and delete existing copies, unless retention is required by law, and shall certify deletion in writing on request.
9.5 The Supplier shall make available all information necessary to demonstrate compliance with this clause and allow for audits, no more than once in any twelve-month period save following a Personal Data Breach, on not less than thirty (30) days' notice.`,
  },
];
