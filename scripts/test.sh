#!/usr/bin/env bash
# Runs every Sanxiang test against the build in $1 (default build-asan):
# cmocka unit tests, then the API and tamper suites on SQLite and on a throwaway
# PostgreSQL 15 cluster started here, then the browser tests of the web UI (SQLite).
# Every suite prints TAP ("ok N - name" / "not ok N - name"); this script counts them
# and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-asan}
ROOT=$(pwd)
WORK=$(mktemp -d /tmp/sanxiang-test.XXXXXX)
chmod 755 "$WORK"
PASSED=0
FAILED=0

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export CMOCKA_MESSAGE_OUTPUT=TAP
export SANXIANG_ROOT="$ROOT"

PG_DIR="$WORK/pg"
cleanup() {
  bash scripts/pg-test.sh stop "$PG_DIR" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# run_suite NAME CMD...: run a TAP-printing command, add its counts.
run_suite() {
  local name=$1
  shift
  local out="$WORK/out.$$"
  "$@" >"$out" 2>&1
  local rc=$?
  local ok notok
  ok=$(grep -cE '^ok [0-9]+' "$out")
  notok=$(grep -cE '^not ok [0-9]+' "$out")
  if [ "$rc" -ne 0 ] && [ "$notok" -eq 0 ]; then
    notok=1 # crashed or failed outside a test case
    echo "not ok - $name exited with status $rc" >>"$out"
  fi
  if [ "$notok" -ne 0 ]; then
    echo "=== $name: $ok passed, $notok failed"
    grep -vE '^ok [0-9]+' "$out" | tail -n 60
  else
    echo "=== $name: $ok passed"
  fi
  PASSED=$((PASSED + ok))
  FAILED=$((FAILED + notok))
}

PG_URL=$(bash scripts/pg-test.sh start "$PG_DIR")
if [ -z "$PG_URL" ]; then
  echo "无法启动测试用 PostgreSQL" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
export SANXIANG_TEST_PG_URL="$PG_URL"

for t in "$BUILD"/tests/unit/test_*; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  run_suite "unit $(basename "$t")" "$t"
done

for store in sqlite postgresql; do
  for suite in tests/api/run.sh tests/tamper/run.sh; do
    [ -f "$suite" ] || continue
    run_suite "$(dirname "$suite") [$store]" bash "$suite" "$BUILD" "$store" "$WORK/$store"
  done
done

# web UI: browser tests (chromium via playwright-core) on a fresh SQLite demo database
if [ -f tests/ui/run.sh ]; then
  run_suite "tests/ui [sqlite]" bash tests/ui/run.sh "$BUILD" "$WORK/ui"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
