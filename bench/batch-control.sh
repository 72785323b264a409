#!/usr/bin/env bash
# Batch control figures (issue 11's "Done when"), on this machine's Postgres and Redis with the fake
# provider: a 10,000-job results export against SQL (rows/s, RSS), a cancel mid-batch on two workers,
# and retry-failed after a pinned model failed some jobs. Usage: bash bench/batch-control.sh [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-10000}
CLI="node bin/llm-router.js"
DB="llm_router_bench_$$"
WORK=$(mktemp -d)
FAKE_PORT=$((20000 + RANDOM % 20000))
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" REDIS_URL=redis://127.0.0.1:6379 QUEUE_PREFIX="bench-$$"
export OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" ANTHROPIC_BASE_URL="http://127.0.0.1:$FAKE_PORT" OPENAI_API_KEY= ANTHROPIC_API_KEY= LOG_LEVEL=warn PORT=0
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -qh 127.0.0.1 -U postgres -c "drop database if exists $DB with (force)" >/dev/null
  redis-cli --scan --pattern "$QUEUE_PREFIX:*" | xargs -r -n 1000 redis-cli del >/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
sql() { psql -qtAh 127.0.0.1 -U postgres -d "$DB" -c "$1"; }
fake() { # scenario JSON
  [ -n "${FAKE:-}" ] && { kill "$FAKE"; wait "$FAKE" 2>/dev/null || true; }
  echo "$1" >"$WORK/scenario.json"
  $CLI fake-llm --port "$FAKE_PORT" --scenario "$WORK/scenario.json" >"$WORK/fake.log" 2>&1 &
  FAKE=$!; PIDS+=("$FAKE")
  until curl -sf "http://127.0.0.1:$FAKE_PORT/stats" >/dev/null; do sleep 0.2; done
}
workers() {
  for n in 1 2; do $CLI worker >"$WORK/worker-$n.log" 2>&1 & PIDS+=("$!"); done
  until grep -q "health on" "$WORK/worker-1.log" "$WORK/worker-2.log" 2>/dev/null && [ "$(grep -l 'health on' "$WORK"/worker-*.log | wc -l)" = 2 ]; do sleep 0.5; done
}
jobs_file() { # count prefix [extra-json]
  node -e '
    const lines = require("fs").readFileSync("examples/jobs.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const [count, prefix, extra] = [Number(process.argv[1]), process.argv[2], JSON.parse(process.argv[3] || "{}")];
    const out = [];
    for (let i = 0; i < count; i++) out.push(JSON.stringify({ ...lines[i % lines.length], ...extra, id: `${prefix}-${i}` }));
    process.stdout.write(out.join("\n") + "\n");' "$@"
}

psql -qh 127.0.0.1 -U postgres -c "create database $DB" >/dev/null
$CLI migrate >/dev/null
fake '{"seed":1,"models":{"*":{"latencyMs":0}}}'
workers

echo "== 1. results of a $JOBS-job batch"
jobs_file "$JOBS" big >"$WORK/big.jsonl"
BIG=$($CLI enqueue "$WORK/big.jsonl" --batch big 2>/dev/null | grep -o 'batch-[0-9a-f-]*' | head -1)
$CLI batch "$BIG" --wait >/dev/null 2>&1 || true
for format in jsonl csv; do
  /usr/bin/time -f "%e %M" -o "$WORK/time.$format" $CLI results "$BIG" --format "$format" --out "$WORK/results.$format" 2>/dev/null
  read -r secs kb <"$WORK/time.$format"
  header=0; [ "$format" = csv ] && header=1
  rows=$(($(wc -l <"$WORK/results.$format") - header))
  echo "$format: $rows records in ${secs}s (process start included) = $(node -e "console.log(Math.round($rows/$secs))") rows/s, max RSS $((kb / 1024)) MiB"
done
/usr/bin/time -f "%M" -o "$WORK/time.base" $CLI batches --limit 1 >/dev/null 2>&1
echo "baseline: max RSS of a command that loads the same code and reads one row (batches --limit 1): $(($(cat "$WORK/time.base") / 1024)) MiB"
echo "SQL:   $(sql "select count(*) || ' requests, ' || count(*) filter (where status='succeeded') || ' succeeded, cost ' || trim_scale(sum(cost_usd)) || ', md5(results) ' || md5(string_agg(coalesce(result,''), '|' order by seq)) from requests where batch_id='$BIG'")"
echo "jsonl: $(node -e '
  const { createHash } = require("crypto"); const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
  let pico = 0n; for (const r of lines) { const [i, f = ""] = r.cost_usd.split("."); pico += BigInt(i + f.padEnd(12, "0")); }
  const cost = (pico / 10n ** 12n) + "." + String(pico % 10n ** 12n).padStart(12, "0");
  const text = lines.map((r) => r.result === null ? "" : typeof r.result === "string" ? r.result : JSON.stringify(r.result)).join("|");
  console.log(`${lines.length} requests, ${lines.filter((r) => r.status === "succeeded").length} succeeded, cost ${cost.replace(/\.?0+$/, "")}, md5(results) ${createHash("md5").update(text).digest("hex")}`);' "$WORK/results.jsonl")"
echo "(extract answers are compared as re-serialised JSON; a difference there would show as a different md5)"

echo "== 2. cancel mid-batch on two workers"
fake '{"seed":2,"models":{"*":{"latencyMs":40}}}'
CALLS0=$(curl -s "http://127.0.0.1:$FAKE_PORT/stats" | node -e 'process.stdin.on("data",d=>console.log(JSON.parse(d).totalCalls))')
jobs_file 3000 can >"$WORK/can.jsonl"
CAN=$($CLI enqueue "$WORK/can.jsonl" --batch to-cancel 2>/dev/null | grep -o 'batch-[0-9a-f-]*' | head -1)
until [ "$(sql "select count(*) from requests where batch_id='$CAN' and status <> 'queued'")" -ge 300 ]; do sleep 0.2; done
$CLI batch "$CAN" --cancel
until [ "$(sql "select count(*) from requests where batch_id='$CAN' and status = 'queued'")" = 0 ]; do sleep 0.2; done
sleep 1 # let any call finishing right now be counted by the fake provider before its stats are read
echo "requests by status: $(sql "select string_agg(status || ' ' || n, ', ') from (select status, count(*) n from requests where batch_id='$CAN' group by status) s")"
echo "jobs of the batch still in a queue (waiting, delayed, active, prioritized): $(node --input-type=module -e '
  import { Queue } from "bullmq"; let n = 0;
  for (const name of ["intake", "tier-cheap", "tier-balanced", "tier-premium"]) {
    const q = new Queue(name, { connection: { url: process.env.REDIS_URL }, prefix: process.env.QUEUE_PREFIX });
    for (const job of await q.getJobs(["waiting", "delayed", "active", "prioritized", "paused"], 0, -1)) if (job?.data?.batchId === process.argv[1]) n++;
    await q.close();
  }
  console.log(n);' "$CAN")"
CALLS1=$(curl -s "http://127.0.0.1:$FAKE_PORT/stats" | node -e 'process.stdin.on("data",d=>console.log(JSON.parse(d).totalCalls))')
echo "cancelled requests that have an answered call (must be 0): $(sql "select count(*) from requests r where r.batch_id='$CAN' and r.status='cancelled' and exists (select 1 from attempts a where a.request_id = r.id and a.outcome = 'ok')")"
echo "provider calls made during the batch: $((CALLS1 - CALLS0)); attempts recorded for it: $(sql "select count(*) from attempts a join requests r on r.id = a.request_id where r.batch_id='$CAN'")"
$CLI batch "$CAN" --cancel
$CLI batch "$CAN" | head -3

echo "== 3. retry-failed after a pinned model failed some jobs"
fake '{"seed":3,"models":{"*":{"latencyMs":0},"gpt-5-mini":{"errors":{"500":0.3}}}}'
jobs_file 1000 pin '{"model":"gpt-5-mini"}' >"$WORK/pin.jsonl"
PIN=$($CLI enqueue "$WORK/pin.jsonl" --batch pinned 2>/dev/null | grep -o 'batch-[0-9a-f-]*' | head -1)
set +e; $CLI batch "$PIN" --wait >"$WORK/pin-wait.txt" 2>/dev/null; echo "batch --wait exit code: $?"; set -e
grep -A3 "top failure" "$WORK/pin-wait.txt"
BEFORE=$(sql "select count(*) || ' attempts, cost ' || trim_scale(sum(a.cost_usd)) from attempts a join requests r on r.id = a.request_id where r.batch_id='$PIN'")
fake '{"seed":4,"models":{"*":{"latencyMs":0}}}'
$CLI batch "$PIN" --retry-failed
set +e; $CLI batch "$PIN" --wait >/dev/null 2>&1; echo "batch --wait exit code after the retry: $?"; set -e
echo "before the retry: $BEFORE; after: $(sql "select count(*) || ' attempts, cost ' || trim_scale(sum(a.cost_usd)) from attempts a join requests r on r.id = a.request_id where r.batch_id='$PIN'")"
echo "requests: $(sql "select string_agg(status || ' ' || n, ', ') from (select status, count(*) n from requests where batch_id='$PIN' group by status) s")"
echo "requests whose attempt numbers are not exactly 1..n: $(sql "select count(*) from (select r.id from requests r join attempts a on a.request_id = r.id where r.batch_id='$PIN' group by r.id having min(a.attempt_no) <> 1 or max(a.attempt_no) <> count(*) or count(distinct a.attempt_no) <> count(*)) x")"
echo "requests whose cost is not the sum of their attempts: $(sql "select count(*) from requests r where r.batch_id='$PIN' and r.cost_usd <> (select coalesce(sum(cost_usd), 0) from attempts a where a.request_id = r.id)")"
echo "sum of request costs = sum of attempt costs: $(sql "select (select sum(cost_usd) from requests where batch_id='$PIN') = (select sum(a.cost_usd) from attempts a join requests r on r.id = a.request_id where r.batch_id='$PIN')")"
/usr/bin/time -f "%M" -o "$WORK/time.small" $CLI results "$PIN" --out "$WORK/small.jsonl" 2>/dev/null
echo "results of this 1000-job batch: max RSS $(($(cat "$WORK/time.small") / 1024)) MiB (the 10,000-job export's is above: memory does not grow with the batch)"
