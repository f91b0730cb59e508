#!/bin/sh
# http_bench.sh BUILD_DIR [SECONDS=10] — requests/s of src/http (http_fw) on
# GET /api/v1/cases/{id} against the libh2o ceiling (h2o_bare) with the same
# body size; the target is a ratio of at least 0.50. Needs wrk.
set -eu
build=${1:?usage: http_bench.sh BUILD_DIR [SECONDS]}
secs=${2:-10}
threads=$(nproc)
command -v wrk >/dev/null || { echo "http_bench: wrk not installed" >&2; exit 2; }
"$build/bench/http_fw" 18082 1 2>/dev/null & probe=$!
sleep 0.5
size=$(curl -s http://127.0.0.1:18082/api/v1/cases/1 | wc -c)
kill $probe
wait $probe 2>/dev/null || true
"$build/bench/h2o_bare" "$size" 18081 "$threads" 2>/dev/null & bare=$!
"$build/bench/http_fw" 18082 "$threads" 2>/dev/null & fw=$!
trap 'kill $bare $fw 2>/dev/null' EXIT
sleep 0.5
rps() { wrk -t"$threads" -c64 -d"${secs}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
b=$(rps http://127.0.0.1:18081/api/v1/cases/1)
f=$(rps http://127.0.0.1:18082/api/v1/cases/1)
echo "body ${size} B, ${threads} loop(s): h2o_bare ${b} req/s, http_fw ${f} req/s, ratio $(echo "scale=2; $f / $b" | bc)"
