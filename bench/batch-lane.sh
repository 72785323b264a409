#!/usr/bin/env bash
# Batch lane figures (issue 14's "Done when"), on this machine's Postgres and Redis with the fake
# provider: JOBS jobs with --deadline over two worker processes, 5% item errors, 5% invalid answers
# and expiring batches (every claude-haiku-4-5 batch expires part-way). Prints the ledger checks.
# Usage: bash bench/batch-lane.sh [JOBS]   (ports 20100-20102, Redis db 2: helper h14lane's range)
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-10000}
CLI="node bin/llm-router.js"
DB="h14lane_bench_$$"
WORK=$(mktemp -d)
FAKE_PORT=20100
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" REDIS_URL=redis://127.0.0.1:6379/2 QUEUE_PREFIX="h14lane-bench-$$"
export OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" ANTHROPIC_BASE_URL="http://127.0.0.1:$FAKE_PORT" OPENAI_API_KEY= ANTHROPIC_API_KEY= LOG_LEVEL=warn
export LLM_ROUTER_CONFIG="$WORK/tiers.yaml"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -qh 127.0.0.1 -U postgres -c "drop database if exists $DB with (force)" >/dev/null
  redis-cli -n 2 --scan --pattern "$QUEUE_PREFIX:*" | xargs -r -n 1000 redis-cli -n 2 del >/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
sql() { psql -qtAh 127.0.0.1 -U postgres -d "$DB" -c "$1"; }
cat >"$WORK/tiers.yaml" <<YAML
tiers:
  - name: cheap
    concurrency: 16
    batchLane: { maxWaitMs: 3000, minRoomMs: 60000, pollMinMs: 250, pollMaxMs: 2000 }
    models:
      - { provider: openai, model: gpt-5-mini }
      - { provider: anthropic, model: claude-haiku-4-5 }
  - name: premium
    concurrency: 16
    batchLane: { maxWaitMs: 3000, minRoomMs: 60000, pollMinMs: 250, pollMaxMs: 2000 }
    models:
      - { provider: anthropic, model: claude-opus-4-7 }
      - { provider: openai, model: gpt-5.2 }
routing: { thresholds: [0.99] }
retriesPerModel: 0
YAML
cat >"$WORK/scenario.json" <<JSON
{ "seed": 14, "models": {
  "*": { "batchLatencyMs": { "min": 2000, "max": 6000 }, "errors": { "500": 0.05 }, "invalidRate": 0.05 },
  "claude-haiku-4-5": { "batchLatencyMs": { "min": 2000, "max": 6000 }, "errors": { "500": 0.05 }, "invalidRate": 0.05, "batchExpireRate": 1 } } }
JSON
psql -qh 127.0.0.1 -U postgres -c "create database $DB" >/dev/null
$CLI migrate >/dev/null
$CLI fake-llm --port "$FAKE_PORT" --scenario "$WORK/scenario.json" >"$WORK/fake.log" 2>&1 &
PIDS+=("$!")
until curl -sf "http://127.0.0.1:$FAKE_PORT/stats" >/dev/null; do sleep 0.2; done
for n in 1 2; do PORT=$((20100 + n)) $CLI worker >"$WORK/worker-$n.log" 2>&1 & PIDS+=("$!"); done
until [ "$(grep -l 'health on' "$WORK"/worker-*.log 2>/dev/null | wc -l)" = 2 ]; do sleep 0.5; done
node -e '
  const labels = ["billing", "bug", "feature_request", "account_access", "shipping", "other"];
  const out = [];
  for (let i = 0; i < Number(process.argv[1]); i++)
    out.push(JSON.stringify({ id: `lane-${i}`, kind: "classify", labels, prompt: `Ticket ${i}: I was charged twice this month, please refund the extra charge.` }));
  require("fs").writeFileSync(process.argv[2], out.join("\n") + "\n");
' "$JOBS" "$WORK/jobs.jsonl"
echo "load before: $(uptime)"
START=$(date +%s.%N)
BATCH=$($CLI enqueue "$WORK/jobs.jsonl" --deadline 6h --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).batchId))')
$CLI batch "$BATCH" --wait >/dev/null || true
END=$(date +%s.%N)
echo "jobs $JOBS: all ended in $(echo "$END - $START" | bc) s; load after: $(uptime)"
echo "requests by status:"; sql "select status, count(*) from requests group by 1 order by 1"
echo "requests not ended exactly once (queued, or more than one ok attempt):"
sql "select (select count(*) from requests where status = 'queued') + (select count(*) from (select request_id from attempts where outcome = 'ok' group by 1 having count(*) > 1) d)"
echo "attempt rows written twice: $(sql "select count(*) from (select id from attempts group by id having count(*) > 1) d")"
BILLED=$(curl -s "http://127.0.0.1:$FAKE_PORT/stats" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s).models;console.log(Object.values(m).reduce((a,x)=>a+(x.batch?.billed??0),0))})')
echo "batch-lane billed attempts: $(sql "select count(*) from attempts where lane = 'batch' and outcome in ('ok','invalid')"); fake billed items: $BILLED"
echo "batch-lane attempts by tier/model/outcome:"; sql "select tier, model, outcome, coalesce(error_type, ''), count(*) from attempts where lane = 'batch' group by 1,2,3,4 order by 1,2,3,4"
echo "failed or invalid items that went nowhere (no later attempt, request succeeded): $(sql "select count(*) from attempts a join requests r on r.id = a.request_id where a.outcome <> 'ok' and r.status = 'succeeded' and not exists (select 1 from attempts b where b.request_id = a.request_id and b.attempt_no > a.attempt_no)")"
echo "provider batches by state:"; sql "select provider, model, state, count(*), sum(items) from provider_batches group by 1,2,3 order by 1,2,3"
echo "real-time attempts: $(sql "select count(*) from attempts where lane = 'realtime'")"
$CLI report --by lane | tail -8
