#!/usr/bin/env bash
# tools/bench.sh: the standard load test (README "Benchmark"). Starts otcgw with the bench
# configuration (conf/bench/) on a fresh temporary state dir and a free port, runs the
# standard otc-bench scenarios one after another against that one gateway, prints their
# figures and a summary of the RESULT lines, then stops the gateway and removes the temporary
# dir (also on Ctrl-C or failure). Opt-in: `make bench`; never part of `make test`.
#
#   bash tools/bench.sh                    # all four scenarios, ~75 s of load (~2 min in all)
#   bash tools/bench.sh rfq orders-1k      # only these (names below)
#   SECONDS_SCALE=0.2 bash tools/bench.sh  # every window 5x shorter (at least 1 s): a quick check
#
# Scenarios (a..d):
#   rfq        (a) RFQ -> Quote, open loop 2,000 RFQs/s on 8 sessions, 10 s
#   orders-1k  (b) market orders, open loop 1,000 orders/s on 8 sessions, 10 s
#   orders-max (c) market orders as fast as a window allows: 8 sessions x 64 outstanding, 30 s
#   rfq-trade  (d) RFQ then trade on the quote, closed loop (1 outstanding) on 4 sessions, 10 s
# Each has a 2 s warmup before its window. Environment: BUILD_DIR (build), OTCGW and OTC_BENCH
# (binaries, default under BUILD_DIR), SECONDS_SCALE (1), WARMUP_SECONDS (2), KEEP_STATE=1 keeps
# the temporary dir (journal, FIX logs) for inspection.
# Exit status: 0 if every scenario ran without errors or unmatched requests, 1 otherwise.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
OTCGW=${OTCGW:-$BUILD_DIR/gateway/otcgw}
OTC_BENCH=${OTC_BENCH:-$BUILD_DIR/tools/otc-bench}
SECONDS_SCALE=${SECONDS_SCALE:-1}
WARMUP_SECONDS=${WARMUP_SECONDS:-2}
CONFIG=conf/bench/otcgw-bench.toml
CREDENTIALS=conf/bench/bench-credentials.toml
READY_TIMEOUT_S=20
STOP_TIMEOUT_S=10

for bin in "$OTCGW" "$OTC_BENCH"; do
  if [[ ! -x $bin ]]; then
    echo "bench.sh: $bin not found; run 'make build' first" >&2
    exit 1
  fi
done
if ! awk -v s="$SECONDS_SCALE" 'BEGIN { exit !(s > 0 && s <= 10) }'; then
  echo "bench.sh: SECONDS_SCALE must be a number in (0, 10], got '$SECONDS_SCALE'" >&2
  exit 1
fi

# seconds BASE -> BASE * SECONDS_SCALE, at least 1.
scaled() { awk -v b="$1" -v s="$SECONDS_SCALE" 'BEGIN { v = b * s; if (v < 1) v = 1; printf "%g", v }'; }

declare -A SCENARIO_ARGS=(
  [rfq]="--mode rfq --sessions 8 --rate 2000 --seconds $(scaled 10)"
  [orders-1k]="--mode orders --sessions 8 --rate 1000 --seconds $(scaled 10)"
  [orders-max]="--mode orders --sessions 8 --window 64 --seconds $(scaled 30)"
  [rfq-trade]="--mode rfq-trade --sessions 4 --window 1 --seconds $(scaled 10)"
)
SCENARIOS=("$@")
if [[ ${#SCENARIOS[@]} -eq 0 ]]; then SCENARIOS=(rfq orders-1k orders-max rfq-trade); fi
for s in "${SCENARIOS[@]}"; do
  if [[ -z ${SCENARIO_ARGS[$s]+x} ]]; then
    echo "bench.sh: unknown scenario '$s' (rfq, orders-1k, orders-max, rfq-trade)" >&2
    exit 1
  fi
done

STATE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/otcgw-bench.XXXXXX")
GW_PID=""
cleanup() {
  local rc=$?
  if [[ -n $GW_PID ]] && kill -0 "$GW_PID" 2>/dev/null; then
    kill -TERM "$GW_PID" 2>/dev/null || true
    for _ in $(seq $((STOP_TIMEOUT_S * 10))); do
      kill -0 "$GW_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$GW_PID" 2>/dev/null; then
      echo "bench.sh: gateway did not stop within ${STOP_TIMEOUT_S} s; killing it" >&2
      kill -KILL "$GW_PID" 2>/dev/null || true
    fi
    wait "$GW_PID" 2>/dev/null || true
  fi
  if [[ ${KEEP_STATE:-0} == 1 ]]; then
    echo "bench.sh: state kept in $STATE_DIR"
  else
    rm -rf "$STATE_DIR"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$OTCGW" --config "$CONFIG" --state-dir "$STATE_DIR" --port 0 --ready-file "$STATE_DIR/ready" \
  --demo-credentials "$CREDENTIALS" >"$STATE_DIR/otcgw.log" 2>&1 &
GW_PID=$!
for _ in $(seq $((READY_TIMEOUT_S * 10))); do
  [[ -s $STATE_DIR/ready ]] && break
  if ! kill -0 "$GW_PID" 2>/dev/null; then
    echo "bench.sh: the gateway exited at start-up:" >&2
    cat "$STATE_DIR/otcgw.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ ! -s $STATE_DIR/ready ]]; then
  echo "bench.sh: the gateway did not listen within ${READY_TIMEOUT_S} s" >&2
  exit 1
fi
PORT=$(cat "$STATE_DIR/ready")
echo "bench.sh: otcgw pid $GW_PID on 127.0.0.1:$PORT, state in $STATE_DIR ($(nproc) cores shared by gateway and load generator)"
echo "bench.sh: commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)'), $(date -u '+%Y-%m-%d %H:%M UTC')"

FAILED=()
RESULTS=()
for s in "${SCENARIOS[@]}"; do
  read -r -a args <<<"${SCENARIO_ARGS[$s]}"
  echo
  echo "== $s: otc-bench ${args[*]} --warmup-seconds $WARMUP_SECONDS"
  # Bounded: window + warmup + drain (5 s) + logon/logout slack.
  limit=$(awk -v a="${SCENARIO_ARGS[$s]}" -v w="$WARMUP_SECONDS" \
    'BEGIN { n = split(a, f, " "); for (i = 1; i < n; i++) if (f[i] == "--seconds") s = f[i + 1]; printf "%d", s + w + 60 }')
  set +e
  timeout --kill-after=5 "$limit" "$OTC_BENCH" --port "$PORT" --gateway-pid "$GW_PID" \
    --credentials "$CREDENTIALS" --warmup-seconds "$WARMUP_SECONDS" "${args[@]}" 2>&1 \
    | tee "$STATE_DIR/$s.out"
  rc=${PIPESTATUS[0]}
  set -e
  line=$(grep '^RESULT ' "$STATE_DIR/$s.out" || true)
  RESULTS+=("${line:-RESULT scenario=$s missing (exit $rc)}")
  if [[ $rc -ne 0 ]]; then
    FAILED+=("$s (exit $rc)")
  fi
  if ! kill -0 "$GW_PID" 2>/dev/null; then
    echo "bench.sh: the gateway died during '$s'; its log:" >&2
    tail -n 20 "$STATE_DIR/otcgw.log" >&2
    FAILED+=("gateway died")
    break
  fi
  sleep 1  # let the gateway finish the session logouts before the next logons
done

echo
echo "== summary"
for r in "${RESULTS[@]}"; do echo "$r"; done
journal_bytes=$(du -cb "$STATE_DIR"/otcgw.db* 2>/dev/null | tail -n 1 | cut -f1)
echo "journal: $((journal_bytes / 1024 / 1024)) MiB after the run; gateway log lines with ERROR/WARN: $(grep -cE 'ERROR|WARN' "$STATE_DIR/otcgw.log" || true)"
if [[ ${#FAILED[@]} -gt 0 ]]; then
  echo "bench.sh: FAILED: ${FAILED[*]}" >&2
  exit 1
fi
echo "bench.sh: all scenarios completed without errors"
