#!/usr/bin/env bash
# ledger.sh BUILD [DB] — the global Merkle ledger's benchmark (issue 5), printed as a markdown
# section for docs/benchmarks.md (run.sh appends it to its results):
#
#   - sequencing rate: `sanxiang ledger sync` giving every one of 1,000,000 records its leaf
#     (anti-join + one INSERT per leaf, one transaction), leaves/s;
#   - `sanxiang ledger checkpoint` over the 1,000,000 leaves (root streamed from the table, signed);
#   - the server's start: rebuilding the in-memory tree (all leaves + complete subtrees) from
#     ledger_leaves, leaves/s, and the server's RSS afterwards;
#   - GET /api/v1/ledger/proofs/inclusion?record=<random of 1,000,000> (logged in), wrk -t2 -c64:
#     req/s and p99; and GET /api/v1/ledger/proofs/consistency for random pairs (public).
#
# DB: a SQLite database holding 1,000,000 records (run.sh passes its verify.db); without it one
# is made with gen_records (about 40 s). Environment: BENCH_SECONDS (wrk duration, default 10).
set -euo pipefail
BUILD=$(cd "${1:?usage: ledger.sh BUILD [DB]}" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SANXIANG_ROOT=$ROOT
SX=$BUILD/sanxiang
SECS=${BENCH_SECONDS:-10}
PASSWORD=bench-pass-2026
WORK=$(mktemp -d /var/tmp/sxledger.XXXXXX)
SERVE_PID=
cleanup() {
  if [ -n "$SERVE_PID" ]; then
    kill "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { printf '\n== %s\n' "$*" >&2; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b - a) / 1e9}'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", (s > 0 ? n / s : 0)}'; }

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
DB=${2:-}
if [ -z "$DB" ] || [ ! -f "$DB" ]; then
  DB=$WORK/ledger.db
  log "ledger: generating 1,000,000 records (gen_records)"
  "$SX" init --db "$DB" >/dev/null 2>&1
  "$BUILD/bench/gen_records" "$DB" 1000000 10000 10000 >&2
fi
KEY=$WORK/ledger-key.pem
RECORDS=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM records').fetchone()[0])" "$DB")

log "ledger: sanxiang ledger sync over $RECORDS records"
t0=$(date +%s%N)
SYNC_OUT=$("$SX" ledger sync --db "$DB" --key "$KEY")
t1=$(date +%s%N)
echo "$SYNC_OUT" >&2
SYNC_ADDED=$(echo "$SYNC_OUT" | sed -n 's/.*新增叶子 \([0-9]*\) 个.*/\1/p')
SYNC_S=$(secs "$t0" "$t1")
t0=$(date +%s%N)
"$SX" ledger sync --db "$DB" --key "$KEY" >/dev/null
t1=$(date +%s%N)
IDLE_S=$(secs "$t0" "$t1")

log "ledger: sanxiang ledger checkpoint"
t0=$(date +%s%N)
"$SX" ledger checkpoint --db "$DB" --key "$KEY" >&2
t1=$(date +%s%N)
CP_S=$(secs "$t0" "$t1")

"$SX" org add --db "$DB" --code LEDGERB --name 账本基准局 --short 账 --level province >/dev/null
echo "$PASSWORD" | "$SX" user add --db "$DB" --username ledger_bench --name 账本基准 --org LEDGERB \
  --roles officer --cert-no LB0001 --cert-from 2000-01-01 --cert-to 2099-12-31 --password-stdin >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log "ledger: sanxiang serve (tree rebuilt from the table at start)"
"$SX" serve --db "$DB" --key "$KEY" --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  sleep 0.1
done
OPEN=$(grep -o 'ledger open: [0-9]* leaves loaded in [0-9.]* s' "$WORK/serve.log" || true)
echo "$OPEN" >&2
LOAD_N=$(echo "$OPEN" | awk '{print $3}')
LOAD_S=$(echo "$OPEN" | awk '{print $(NF - 1)}')
RSS_MB=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVE_PID/status")
COOKIE=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"ledger_bench\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$PORT/api/v1/session" |
  sed -n 's/^[Ss]et-[Cc]ookie: sx_session=\([^;]*\).*/\1/p')

wrk_fig() { # OUT: "RPS P99_MS ERRORS"
  awk '/^Requests\/sec:/ {r = $2}
       $1 == "99%" {v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
                    p = (u == "us" ? v / 1000 : u == "s" ? v * 1000 : v)}
       /Non-2xx or 3xx responses:/ {e += $NF}
       END {printf "%.0f %.2f %d\n", r, p, e}' "$1"
}
log "ledger: inclusion proofs of random records, wrk -t2 -c64 -d${SECS}s"
COOKIE=$COOKIE MAXID=$RECORDS wrk --latency -t2 -c64 -d"${SECS}s" -s "$ROOT/bench/ledger_proof.lua" \
  "http://127.0.0.1:$PORT" >"$WORK/inc.txt" 2>&1
read -r INC_RPS INC_P99 INC_ERR <<<"$(wrk_fig "$WORK/inc.txt")"
echo "inclusion: $INC_RPS req/s, p99 $INC_P99 ms, errors $INC_ERR" >&2
log "ledger: consistency proofs of random size pairs, wrk -t2 -c64 -d${SECS}s"
PROOF_PATH=consistency COOKIE=$COOKIE MAXID=$RECORDS wrk --latency -t2 -c64 -d"${SECS}s" \
  -s "$ROOT/bench/ledger_proof.lua" "http://127.0.0.1:$PORT" >"$WORK/con.txt" 2>&1
read -r CON_RPS CON_P99 CON_ERR <<<"$(wrk_fig "$WORK/con.txt")"
echo "consistency: $CON_RPS req/s, p99 $CON_P99 ms, errors $CON_ERR" >&2

echo
echo "### 5. Global Merkle ledger over $RECORDS records (issue 5; SQLite, bench/ledger.sh)"
echo
echo "Load average (1, 5, 15 min) $LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end;" \
  "$(nproc) CPU(s). The server and wrk share the machine."
echo
echo "| figure | value |"
echo "|---|---|"
echo "| \`sanxiang ledger sync\`: leaves given to $SYNC_ADDED records (transactions of 50,000) | $SYNC_S s, $(rate "$SYNC_ADDED" "$SYNC_S") leaves/s |"
echo "| \`sanxiang ledger sync\` with nothing to do (full anti-join, a fresh process) | $IDLE_S s |"
echo "| \`sanxiang ledger checkpoint\` (root streamed from $RECORDS leaves, SM2 signature) | $CP_S s |"
echo "| server start: tree rebuilt from ledger_leaves | $LOAD_N leaves in $LOAD_S s, $(rate "$LOAD_N" "$LOAD_S") leaves/s; RSS after start $RSS_MB MB |"
echo "| GET /api/v1/ledger/proofs/inclusion, random record, wrk -t2 -c64 -d${SECS}s | $INC_RPS req/s, p99 $INC_P99 ms, non-2xx $INC_ERR |"
echo "| GET /api/v1/ledger/proofs/consistency, random sizes, wrk -t2 -c64 -d${SECS}s | $CON_RPS req/s, p99 $CON_P99 ms, non-2xx $CON_ERR |"
