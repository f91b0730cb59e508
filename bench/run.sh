#!/usr/bin/env bash
# run.sh BUILD — Sanxiang's three benchmarks, each figure printed beside its ceiling measured
# in the same run on the same machine, with the ratio and the goal (docs/benchmarks.md):
#
#   1. GET /api/v1/cases/{id} (logged in, real DB read, JSON), wrk -t2 -c64 -d10s: req/s and
#      p99 on SQLite and PostgreSQL, beside a bare libh2o server answering a constant body of
#      the same size (h2o_bare) and nginx serving the same bytes from a file.
#      Goal: ≥ 50 % of the bare libh2o figure, p99 < 10 ms.
#   2. Record appends through the API, 16 concurrent clients (wrk -t16 -c16, 20 cases each),
#      each record durable before its response: appends/s beside the store's bare
#      one-row-per-commit rate (sqlite_commit; pg_commit with 1 and 16 clients).
#      Goal: ≥ 1× the bare rate.
#   3. `sanxiang verify` over 1,000,000 records (gen_records): MB/s hashed beside
#      `openssl speed -evp sm3` (8192-byte blocks). Goal: ≥ 50 %.
#   5. (ledger) bench/ledger.sh: `ledger sync` and tree-rebuild rates and inclusion /
#      consistency proofs per second on the same 1,000,000 records' Merkle tree.
#   4. Deadlines of 100,000 open cases (deadline_bench): the engine in memory beside a bare loop
#      over the same rows, then the overdue dashboard read from SQLite and PostgreSQL beside a
#      bare scan of the same record rows. Goal: < 1 s.
#   6. (media) bench/upload_bench.py: a 1 GiB tus upload in 4 MiB PATCHes over loopback, MB/s
#      beside write+fsync of the same chunks on the same disk, and the server's RSS sampled
#      during the upload (must stay flat). BENCH_UPLOAD_MIB changes the size.
#
# BUILD is a release build of the project (`make bench` passes `build`); run as root or as a
# user who may run PostgreSQL's initdb. Needs wrk, nginx, openssl, python3, curl and
# PostgreSQL 15 (scripts/install-deps.sh --bench installs them). Takes about 10 minutes (most of
# it loading 100,000 cases into PostgreSQL for 4).
# Environment: BENCH_SECONDS (wrk duration, default 10), BENCH_RECORDS (default 1000000),
# BENCH_KEEP=1 keeps the work directory. The summary is also written to BUILD/bench-results.md.
set -euo pipefail

BUILD=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export SANXIANG_ROOT=$ROOT
SECS=${BENCH_SECONDS:-10}
RECORDS=${BENCH_RECORDS:-1000000}
SX=$BUILD/sanxiang
PGBIN=/usr/lib/postgresql/15/bin
PASSWORD=bench-pass-2026 # bench_setup.py logs in with it
N_APPEND=16          # concurrent clients appending records
CASES_PER_CLIENT=20  # each client cycles over its own cases (append.lua)
RESULTS=$BUILD/bench-results.md
PATH=$PATH:/usr/sbin:/sbin # nginx lives in /usr/sbin, outside a normal user's PATH

for tool in wrk nginx openssl python3 curl "$PGBIN/initdb"; do
  command -v "$tool" >/dev/null || [ -x "$tool" ] || {
    echo "run.sh: $tool is missing (run: bash scripts/install-deps.sh --bench)" >&2
    exit 2
  }
done
for bin in sanxiang bench/h2o_bare bench/sqlite_commit bench/pg_commit bench/gen_records; do
  [ -x "$BUILD/$bin" ] || {
    echo "run.sh: $BUILD/$bin is missing (run: ninja -C $BUILD)" >&2
    exit 2
  }
done

# The work directory is on disk (not tmpfs), so fsync costs what it costs in production.
WORK=$(mktemp -d /var/tmp/sxbench.XXXXXX)
chmod 755 "$WORK" # nginx workers and the postgres user read below it
PIDS=()
PG_UP=0
cleanup() {
  for p in "${PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ "$PG_UP" = 1 ]; then as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null || true; fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '\n== %s\n' "$*" >&2; }

# as_pg CMD...: PostgreSQL refuses to run as root, so as root run it as `postgres`.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() { # URL [LOG]: wait up to 10 s until it answers; else show LOG and fail
  for _ in $(seq 100); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "run.sh: $1 does not answer" >&2
  if [ -n "${2:-}" ]; then cat "$2" >&2; fi
  return 1
}

start_bg() { # LOGFILE CMD...: start a server in the background, remember its pid in LAST_PID
  local logf=$1
  shift
  "$@" >"$logf" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

stop_bg() { # PID
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# wrk_run OUT ARGS...: run wrk --latency, keep its output in OUT, and set RPS, P99_MS, ERRORS.
wrk_run() {
  local out=$1
  shift
  wrk --latency "$@" >"$out" 2>&1 || cat "$out" >&2
  RPS=$(awk '/^Requests\/sec:/ {v = $2} END {print v + 0}' "$out")
  P99_MS=$(awk '$1 == "99%" {v = $2; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
                 print (u == "us" ? v / 1000 : u == "s" ? v * 1000 : u == "m" ? v * 60000 : v)}
                 END {if (v == "") print 0}' "$out")
  ERRORS=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {for (i = 3; i <= NF; i += 2) n += $(i + 1)}
                END {print n + 0}' "$out")
}

errs_label() { # ERRORS: "" when 0, else what went wrong, for the first column of a row
  case $1 in
  0) ;;
  -1) echo ", server CRASHED (see bench-serve-crash-*.log)" ;;
  *) echo ", $1 ERRORS" ;;
  esac
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
fmt() { awk -v a="$1" 'BEGIN {printf "%.0f", a}'; }
ms() { awk -v a="$1" 'BEGIN {printf "%.2f ms", a}'; }
met() { if awk "BEGIN {exit !($1)}"; then echo yes; else echo no; fi; } # $1: numbers only

# ---- PostgreSQL: a throwaway cluster with production durability (fsync=on,
# synchronous_commit=on, full_page_writes=on — unlike scripts/pg-test.sh, whose fsync=off
# would make the append benchmark meaningless). Unix socket only.
pg_start() {
  mkdir -p "$WORK/pg"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$WORK/pg"; fi
  as_pg "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --locale=C \
    >"$WORK/pg/initdb.log" 2>&1 || {
    cat "$WORK/pg/initdb.log" >&2
    return 1
  }
  as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w -t 60 \
    -o "-k $WORK/pg -c listen_addresses='' -c max_connections=100 -c shared_buffers=256MB" \
    start >/dev/null || {
    cat "$WORK/pg/server.log" >&2
    return 1
  }
  PG_UP=1
}
pg_createdb() { # NAME: create a database and print its URL
  as_pg "$PGBIN/createdb" -h "$WORK/pg" -U postgres -E UTF8 "$1"
  echo "postgresql:///$1?host=$WORK/pg&user=postgres"
}

# ---- a store with the demo data (when `sanxiang demo` exists) and the benchmark's people
prepare_db() { # URL
  "$SX" init --db "$1" >/dev/null
  if "$SX" demo --help >/dev/null 2>&1; then
    "$SX" demo --db "$1" >/dev/null
  fi
  "$SX" org add --db "$1" --code BENCH --name 基准测试省医疗保障局 --short 基 --level province >/dev/null
  for u in o1 o2 head; do
    local roles=officer
    [ "$u" = head ] && roles=head,officer
    echo "$PASSWORD" | "$SX" user add --db "$1" --username "bench_$u" --name "基准$u" --org BENCH \
      --roles "$roles" --cert-no "BENCH000$u" --cert-from 2000-01-01 --cert-to 2099-12-31 \
      --password-stdin >/dev/null
  done
}

# ---- the bare commit rate of each store, measured just before the API appends
commit_ceiling_sqlite() {
  log "ceiling: sqlite_commit (WAL, synchronous=FULL, one INSERT per transaction), 5 s"
  SQ_BARE=$("$BUILD/bench/sqlite_commit" "$WORK/sqlite/commit.db" 5)
  echo "$SQ_BARE" >&2
  SQ_BARE=$(echo "$SQ_BARE" | awk '{print $(NF - 1)}')
}
commit_ceiling_postgresql() {
  local url
  url=$(pg_createdb commit_bench)
  log "ceiling: pg_commit (fsync=on, synchronous_commit=on, one INSERT per transaction), 5 s each"
  PG_BARE1=$("$BUILD/bench/pg_commit" "$url" 5 1)
  echo "$PG_BARE1" >&2
  PG_BARE16=$("$BUILD/bench/pg_commit" "$url" 5 16)
  echo "$PG_BARE16" >&2
  PG_BARE1=$(echo "$PG_BARE1" | awk '{print $(NF - 1)}')
  PG_BARE16=$(echo "$PG_BARE16" | awk '{print $(NF - 1)}')
}

# ---- 1: the ceilings for the case page of BODY_FILE, run just before the first GET benchmark
get_ceilings() { # BODY_FILE
  local body_bytes port bare ngx
  body_bytes=$(wc -c <"$1")
  log "ceiling: h2o_bare, constant $body_bytes-byte body, $(nproc) loop(s)"
  port=$(free_port)
  start_bg "$WORK/h2o_bare.log" "$BUILD/bench/h2o_bare" "$body_bytes" "$port" "$(nproc)"
  bare=$LAST_PID
  wait_http "http://127.0.0.1:$port/" "$WORK/h2o_bare.log"
  wrk_run "$WORK/bare.txt" -t2 -c64 -d"${SECS}s" "http://127.0.0.1:$port/api/v1/cases/1"
  BARE_RPS=$RPS BARE_P99=$P99_MS
  echo "h2o_bare: $RPS req/s, p99 $(ms "$P99_MS")" >&2
  stop_bg "$bare"

  log "ceiling: nginx $(nginx -v 2>&1 | sed 's/.*\///'), the same bytes from a file, 2 workers"
  port=$(free_port)
  mkdir -p "$WORK/nginx/www" "$WORK/nginx/logs"
  cp "$1" "$WORK/nginx/www/case.json"
  chmod -R a+rX "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  open_file_cache max=16 inactive=60s;
  open_file_cache_valid 60s;
  sendfile on;
  tcp_nodelay on;
  client_body_temp_path $WORK/nginx/tmp_body;
  proxy_temp_path $WORK/nginx/tmp_proxy;
  fastcgi_temp_path $WORK/nginx/tmp_fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp_uwsgi;
  scgi_temp_path $WORK/nginx/tmp_scgi;
  server {
    listen 127.0.0.1:$port;
    root $WORK/nginx/www;
    default_type "application/json; charset=utf-8";
    location / { try_files /case.json =404; }
  }
}
EOF
  start_bg "$WORK/nginx/logs/stderr.log" nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" \
    -e "$WORK/nginx/logs/error.log"
  ngx=$LAST_PID
  wait_http "http://127.0.0.1:$port/" "$WORK/nginx/logs/error.log"
  wrk_run "$WORK/nginx.txt" -t2 -c64 -d"${SECS}s" "http://127.0.0.1:$port/api/v1/cases/1"
  NGINX_RPS=$RPS NGINX_P99=$P99_MS
  echo "nginx: $RPS req/s, p99 $(ms "$P99_MS")" >&2
  stop_bg "$ngx"
}

# start_serve NAME URL: (re)start `sanxiang serve` on a new port; sets SERVE_PID, BASE
start_serve() {
  local dir=$WORK/$1 port
  port=$(free_port)
  start_bg "$dir/serve.log" "$SX" serve --db "$2" --listen "127.0.0.1:$port"
  SERVE_PID=$LAST_PID
  BASE=http://127.0.0.1:$port
  wait_http "$BASE/healthz" "$dir/serve.log"
}

# check_serve NAME URL: after a load run, if the server died, keep its log, show its end, mark
# the run (ERRORS=-1) and start a new server so the next benchmark can still run.
check_serve() {
  local dir=$WORK/$1
  if kill -0 "$SERVE_PID" 2>/dev/null; then return 0; fi
  wait "$SERVE_PID" 2>/dev/null || true
  CRASHES=$((CRASHES + 1))
  cp "$dir/serve.log" "$BUILD/bench-serve-crash-$CRASHES.log"
  echo "run.sh: sanxiang serve ($1) DIED during the run; log kept in" \
    "$BUILD/bench-serve-crash-$CRASHES.log, its end:" >&2
  grep -v '^    #[1-9][0-9]' "$dir/serve.log" | tail -25 >&2
  ERRORS=-1
  start_serve "$1" "$2"
}
CRASHES=0

# writer_counts: "GROUPS JOBS" from the group-commit writer's counters on /metrics (any metric
# whose name contains writer_groups / writer_jobs); "0 0" when the server does not export them.
writer_counts() {
  { curl -s "$BASE/metrics" || true; } | awk '/^[a-z_]*writer_groups[a-z_]*[ {]/ {g += $NF}
    /^[a-z_]*writer_jobs[a-z_]*[ {]/ {j += $NF} END {print g + 0, j + 0}'
}

# ---- benchmarks 1 and 2 on one store: serve, set up, GET, then appends
GET_RESULTS=()
http_store() { # NAME URL
  local name=$1 url=$2 dir before after
  dir=$WORK/$name
  mkdir -p "$dir"
  log "$name: init, demo data, benchmark users"
  prepare_db "$url"
  start_serve "$name" "$url"
  python3 "$ROOT/bench/bench_setup.py" "$BASE" $((N_APPEND * CASES_PER_CLIENT)) "$dir"
  # shellcheck disable=SC1091
  . "$dir/env"

  if [ -z "${BARE_RPS:-}" ]; then get_ceilings "$dir/case.json"; fi
  log "$name: GET /api/v1/cases/$GET_CASE ($BODY_BYTES-byte body), wrk -t2 -c64 -d${SECS}s"
  wrk_run "$dir/get.txt" -t2 -c64 -d"${SECS}s" -H "Cookie: sx_session=$COOKIE" \
    "$BASE/api/v1/cases/$GET_CASE"
  check_serve "$name" "$url"
  echo "sanxiang ($name): $RPS req/s, p99 $(ms "$P99_MS"), errors $ERRORS" >&2
  GET_RESULTS+=("$name $RPS $P99_MS $ERRORS $BODY_BYTES")

  "commit_ceiling_$name"
  log "$name: record appends, wrk -t$N_APPEND -c$N_APPEND -d${SECS}s, $CASES_PER_CLIENT cases per client"
  before=$(python3 "$ROOT/bench/bench_setup.py" --count "$BASE" "$COOKIE" "$APPEND_CASES")
  local w0 w1
  w0=$(writer_counts)
  COOKIE=$COOKIE CSRF=$CSRF CASES=$APPEND_CASES CLIENTS=$N_APPEND wrk_run "$dir/append.txt" \
    -t"$N_APPEND" -c"$N_APPEND" -d"${SECS}s" --timeout 30s -s "$ROOT/bench/append.lua" "$BASE"
  w1=$(writer_counts)
  check_serve "$name" "$url"
  after=$(python3 "$ROOT/bench/bench_setup.py" --count "$BASE" "$COOKIE" "$APPEND_CASES")
  echo "sanxiang ($name): $RPS appends/s, p99 $(ms "$P99_MS"), errors $ERRORS," \
    "records stored $((after - before))" >&2
  APPEND_RPS=$RPS APPEND_P99=$P99_MS APPEND_ERR=$ERRORS APPEND_STORED=$((after - before))
  # shellcheck disable=SC2086 # "GROUPS JOBS" splits into two numbers
  APPEND_GROUP=$(echo $w0 $w1 | awk '{g = $3 - $1; j = $4 - $2;
    if (g > 0) printf "%.1f records per commit (%d commits)", j / g, g; else print "not exported on /metrics"}')
  echo "group commit: $APPEND_GROUP" >&2
  stop_bg "$SERVE_PID"
}

START=$(date +%s)
rm -f "$BUILD"/bench-serve-crash-*.log
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
MACHINE="$(nproc) CPU(s) $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo),\
 $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, kernel $(uname -r),\
 Debian $(cat /etc/debian_version 2>/dev/null || echo ?), work directory on\
 $(df -T "$WORK" | awk 'NR == 2 {print $2}')"
VERSIONS="SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'),\
 $("$PGBIN/postgres" --version | awk '{print "PostgreSQL " $3}'), $(nginx -v 2>&1 | sed 's/.*: //'),\
 libh2o-evloop $(dpkg-query -W -f='${Version}' libh2o-evloop-dev 2>/dev/null || echo ?),\
 $(openssl version | awk '{print $1 " " $2}'), wrk $({ wrk -v 2>&1 || true; } | awk 'NR == 1 {print $2}')"
echo "Sanxiang benchmarks — $(date -u '+%Y-%m-%d %H:%M UTC'); $MACHINE; $VERSIONS"

# ---- 1 & 2 on SQLite, then PostgreSQL
http_store sqlite "$WORK/sqlite/sanxiang.db"
SQ_APPEND=("$APPEND_RPS" "$APPEND_P99" "$APPEND_ERR" "$APPEND_STORED" "$APPEND_GROUP")

pg_start
http_store postgresql "$(pg_createdb sanxiang_bench)"
PG_APPEND=("$APPEND_RPS" "$APPEND_P99" "$APPEND_ERR" "$APPEND_STORED" "$APPEND_GROUP")
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null
PG_UP=0

BODY_BYTES=$(wc -c <"$WORK/sqlite/case.json") # the size the ceilings answered with

# BENCH_QUICK=1: benchmarks 1 and 2 only (the HTTP ones), for a quick look at the read and
# append paths; the figures that matter are from a full run.
QUICK=${BENCH_QUICK:-0}

# ---- 3: verify over RECORDS records on SQLite
if [ "$QUICK" != 1 ]; then
log "verify: generating $RECORDS records (gen_records, 10,000 per commit)"
"$SX" init --db "$WORK/verify.db" >/dev/null
"$BUILD/bench/gen_records" "$WORK/verify.db" "$RECORDS" $((RECORDS / 100)) 10000 >&2
log "verify: sanxiang verify, 3 runs (the median is reported)"
VERIFY_RUNS=()
for _ in 1 2 3; do
  VERIFY_OUT=$("$SX" verify --db "$WORK/verify.db")
  echo "$VERIFY_OUT" >&2
  # "哈希链完整: N 个案件，M 条记录，SM3 计算 X MB，用时 Y 秒（Z MB/s）"
  VERIFY_MB=$(echo "$VERIFY_OUT" | sed -n 's/.*SM3 计算 \([0-9.]*\) MB.*/\1/p')
  VERIFY_RECS=$(echo "$VERIFY_OUT" | sed -n 's/.*，\([0-9]*\) 条记录.*/\1/p')
  VERIFY_RUNS+=("$(echo "$VERIFY_OUT" | sed -n 's/.*用时 \([0-9.]*\) 秒.*/\1/p')")
done
VERIFY_S=$(printf '%s\n' "${VERIFY_RUNS[@]}" | sort -n | sed -n 2p)
VERIFY_MBS=$(awk -v a="$VERIFY_MB" -v b="$VERIFY_S" 'BEGIN {printf "%.1f", a / b}')
AVG_MSG=$(awk -v a="$VERIFY_MB" -v n="$VERIFY_RECS" 'BEGIN {printf "%.0f", a * 1e6 / n}')
log "ceiling: openssl speed -evp sm3 -seconds 3 (and -bytes $AVG_MSG, the average record)"
SSL_OUT=$(openssl speed -evp sm3 -seconds 3 2>/dev/null | awk '$1 == "sm3"')
echo "$SSL_OUT" >&2
# columns: 16 64 256 1024 8192 16384 bytes, in 1000s of bytes per second ("508835.91k")
SSL_MBS=$(echo "$SSL_OUT" | awk '{v = $6; sub(/k$/, "", v); printf "%.1f", v / 1000}')
SSL_AVG_MBS=$(openssl speed -evp sm3 -seconds 3 -bytes "$AVG_MSG" 2>/dev/null |
  awk '$1 == "sm3" {v = $2; sub(/k$/, "", v); printf "%.1f", v / 1000}')
echo "openssl sm3 at $AVG_MSG-byte messages: $SSL_AVG_MBS MB/s" >&2
fi

# ---- summary
{
  echo
  echo "## Results ($(date -u '+%Y-%m-%d %H:%M UTC'), run took $(($(date +%s) - START)) s)"
  echo
  echo "Machine: $MACHINE; load average (1, 5, 15 min) $LOAD_START at the start," \
    "$(cut -d' ' -f1-3 /proc/loadavg) at the end."
  echo "Software: $VERSIONS; sanxiang $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo ?)."
  echo
  echo "### 1. GET /api/v1/cases/{id}, wrk -t2 -c64 -d${SECS}s, $BODY_BYTES-byte body"
  echo
  echo "| server | req/s | p99 | vs h2o_bare | goal | met? |"
  echo "|---|---|---|---|---|---|"
} >"$RESULTS"
{
  printf '| h2o_bare (ceiling) | %s | %s | 1.00 | | |\n' "$(fmt "$BARE_RPS")" "$(ms "$BARE_P99")"
  printf '| nginx, same bytes from a file | %s | %s | %s | | |\n' "$(fmt "$NGINX_RPS")" \
    "$(ms "$NGINX_P99")" "$(ratio "$NGINX_RPS" "$BARE_RPS")"
  for r in "${GET_RESULTS[@]}"; do
    read -r name rps p99 errs _ <<<"$r"
    printf '| sanxiang, %s%s | %s | %s | %s | ≥ 0.50, p99 < 10 ms | %s |\n' "$name" \
      "$(errs_label "$errs")" "$(fmt "$rps")" "$(ms "$p99")" \
      "$(ratio "$rps" "$BARE_RPS")" \
      "$(met "$rps >= 0.5 * $BARE_RPS && $p99 < 10 && $errs == 0")"
  done
  echo
  echo "### 2. Record appends, 16 clients (wrk -t16 -c16 -d${SECS}s), durable before the response"
  echo
  echo "| store | appends/s | p99 | records stored | bare one-row-per-commit rate | ratio | goal | met? |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '| SQLite (WAL, synchronous=FULL)%s | %s | %s | %s | %s (sqlite_commit, 1 client) | %s | ≥ 1× | %s |\n' \
    "$(errs_label "${SQ_APPEND[2]}")" "$(fmt "${SQ_APPEND[0]}")" \
    "$(ms "${SQ_APPEND[1]}")" "${SQ_APPEND[3]}" "$(fmt "$SQ_BARE")" \
    "$(ratio "${SQ_APPEND[0]}" "$SQ_BARE")" "$(met "${SQ_APPEND[0]} >= $SQ_BARE && ${SQ_APPEND[2]} == 0")"
  printf '| PostgreSQL 15 (fsync=on, synchronous_commit=on)%s | %s | %s | %s | %s (pg_commit, 1 client); %s with 16 clients | %s; %s | ≥ 1× | %s |\n' \
    "$(errs_label "${PG_APPEND[2]}")" "$(fmt "${PG_APPEND[0]}")" \
    "$(ms "${PG_APPEND[1]}")" "${PG_APPEND[3]}" "$(fmt "$PG_BARE1")" "$(fmt "$PG_BARE16")" \
    "$(ratio "${PG_APPEND[0]}" "$PG_BARE1")" "$(ratio "${PG_APPEND[0]}" "$PG_BARE16")" \
    "$(met "${PG_APPEND[0]} >= $PG_BARE1 && ${PG_APPEND[2]} == 0")"
  echo
  echo "Group commit during the run (the server's writer counters): SQLite ${SQ_APPEND[4]};" \
    "PostgreSQL ${PG_APPEND[4]}."
} >>"$RESULTS"
if [ "$QUICK" = 1 ]; then
  cat "$RESULTS"
  exit 0
fi
{
  echo
  echo "### 3. sanxiang verify over $VERIFY_RECS records (SQLite)"
  echo
  echo "| figure | MB/s | ceiling | ratio | goal | met? |"
  echo "|---|---|---|---|---|---|"
  printf '| verify: %s MB in %s s (median of %s s) | %s | %s (openssl speed -evp sm3, 8192-byte blocks) | %s | ≥ 0.50 | %s |\n' \
    "$VERIFY_MB" "$VERIFY_S" "${VERIFY_RUNS[*]}" "$VERIFY_MBS" "$SSL_MBS" "$(ratio "$VERIFY_MBS" "$SSL_MBS")" \
    "$(met "$VERIFY_MBS >= 0.5 * $SSL_MBS")"
  printf '| (context) same, at the average record size | %s | %s (openssl speed -evp sm3 -bytes %s) | %s | | |\n' \
    "$VERIFY_MBS" "$SSL_AVG_MBS" "$AVG_MSG" "$(ratio "$VERIFY_MBS" "$SSL_AVG_MBS")"
} >>"$RESULTS"
# 4. issue 3: every deadline of 100,000 open cases, beside a bare loop over the same rows; then
# the overdue dashboard read from each store (the same cases written to SQLite and to the
# PostgreSQL cluster, restarted for it) beside a bare scan of the same record rows.
if [ -x "$BUILD/bench/deadline_bench" ]; then
  log "deadlines: 100,000 cases in memory, then from SQLite and PostgreSQL (loading takes a few minutes)"
  "$SX" init --db "$WORK/deadline.db" >/dev/null
  DL_URLS=("$WORK/deadline.db")
  if as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w -t 60 \
    -o "-k $WORK/pg -c listen_addresses='' -c max_connections=100 -c shared_buffers=256MB" \
    start >/dev/null; then
    PG_UP=1
    DL_PG=$(pg_createdb deadline_bench)
    "$SX" init --db "$DL_PG" >/dev/null
    DL_URLS+=("$DL_PG")
  fi
  {
    echo
    echo "### 4. deadline recomputation (issue 3): in memory, then the overdue dashboard from each store"
    echo
    echo '```'
    "$BUILD/bench/deadline_bench" 100000 3 "${DL_URLS[@]}"
    echo '```'
  } >>"$RESULTS"
fi
# 5. ledger (issue 5): sequencing and tree-build rates, inclusion proofs/s on a 1,000,000-leaf
# tree — over the verify benchmark's database, which it extends with leaves (so it runs last).
if [ -f "$ROOT/bench/ledger.sh" ]; then
  log "ledger: bench/ledger.sh over the verify database"
  bash "$ROOT/bench/ledger.sh" "$BUILD" "$WORK/verify.db" >>"$RESULTS"
fi
# 5. issue 5 point 4: enforcement-document PDFs per second (documents: bench/doc_bench.c).
if [ -x "$BUILD/bench/doc_bench" ]; then
  {
    echo
    echo "### 5. document PDFs (issue 5), in memory: issue = fill + PDF + SM3 + SM2, beside the PDF alone"
    echo
    "$BUILD/bench/doc_bench" "$ROOT" "${BENCH_DOC_SECONDS:-5}" 2
    echo
    python3 "$ROOT/bench/doc_api.py" "$SX" "$WORK/doc_api" "${BENCH_DOC_SECONDS:-5}"
  } >>"$RESULTS"
fi
# 5. issue 4 (results publicity): redaction throughput on 50 MB of decision text, one core;
# portal search over 200,000 published items on each store (docs/benchmarks.md).
if [ -x "$BUILD/bench/redact_bench" ]; then
  {
    echo
    echo "### 5. redaction throughput (issue 4), 50 MB of decision text, one core"
    echo
    echo '```'
    "$BUILD/bench/redact_bench" 50 3
    echo '```'
  } >>"$RESULTS"
fi
if [ -x "$BUILD/bench/pub_search_bench" ]; then
  {
    echo
    echo "### 6. portal search over 200,000 published items (issue 4)"
    echo
    echo "SQLite (FTS5 trigram):"
    echo
    "$BUILD/bench/pub_search_bench" "$WORK/pub_search.db" 200000
    echo
    echo "PostgreSQL 15 (pg_trgm GIN; the database's LC_CTYPE is C.UTF-8: under C, pg_trgm"
    echo "extracts no trigrams from Chinese and the index cannot help):"
    echo
    # the cluster of benchmarks 1 and 2, stopped after them: start it again (4 may have)
    if [ "$PG_UP" != 1 ]; then
      as_pg "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w -t 60 \
        -o "-k $WORK/pg -c listen_addresses='' -c max_connections=100 -c shared_buffers=256MB" \
        start >/dev/null
      PG_UP=1
    fi
    as_pg "$PGBIN/createdb" -h "$WORK/pg" -U postgres -E UTF8 -T template0 --lc-collate=C \
      --lc-ctype=C.UTF-8 pub_search
    "$BUILD/bench/pub_search_bench" "postgresql:///pub_search?host=$WORK/pg&user=postgres" 200000
  } >>"$RESULTS"
fi
# media: 6. (issue 5) a 1 GiB upload by tus PATCHes over loopback: MB/s beside write+fsync of the
# same chunks on the same disk, and the server's RSS sampled during the upload (must stay flat).
{
  echo
  echo "### 6. media upload (issue 5): 1 GiB by tus PATCHes of 4 MiB over loopback, SQLite"
  echo
  python3 "$ROOT/bench/upload_bench.py" --bin "$SX" --work "$WORK/upload" --mib "${BENCH_UPLOAD_MIB:-1024}"
} >>"$RESULTS"
echo
cat "$RESULTS"
if [ "$CRASHES" -gt 0 ]; then
  echo "run.sh: sanxiang serve crashed $CRASHES time(s); see $BUILD/bench-serve-crash-*.log" >&2
  exit 1
fi
