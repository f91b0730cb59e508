#!/usr/bin/env bash
# Browser tests of the web UI against a real `sanxiang serve` on a fresh SQLite demo DB:
#   run.sh BUILD WORKDIR
# Builds web/dist if stale, starts the server on a free port, drives Debian's chromium with
# playwright-core (no browser download), prints TAP, saves screenshots to docs/screenshots/.
set -uo pipefail
BUILD=$1
WORK=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export SANXIANG_ROOT="$ROOT"
mkdir -p "$WORK"
CHROME=${SANXIANG_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROME" ]; then
  echo "not ok 1 - chromium at $CHROME (install with: bash scripts/install-deps.sh --ui)"
  exit 1
fi
if ! bash "$ROOT/scripts/build-web.sh"; then
  echo "not ok 1 - web UI builds (scripts/build-web.sh)"
  exit 1
fi
DB="$WORK/ui.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
if ! "$ROOT/$BUILD/sanxiang" init --db "$DB" >"$WORK/init.log" 2>&1 ||
  ! "$ROOT/$BUILD/sanxiang" demo --db "$DB" >"$WORK/demo.log" 2>&1; then
  echo "not ok 1 - demo database"
  tail -n 20 "$WORK/init.log" "$WORK/demo.log" | sed 's/^/# /'
  exit 1
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$ROOT/$BUILD/sanxiang" serve --db "$DB" --listen "127.0.0.1:$PORT" --threads 2 >"$WORK/serve.log" 2>&1 &
SERVER=$!
stop() {
  kill -TERM "$SERVER" 2>/dev/null
  wait "$SERVER" 2>/dev/null
}
trap stop EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
NODE_PATH="$ROOT/web/node_modules" node "$ROOT/tests/ui/ui_test.mjs" \
  --base "http://127.0.0.1:$PORT" --chromium "$CHROME" --shots "$ROOT/docs/screenshots" --db "$DB"
rc=$?
stop
trap - EXIT
if grep -q "ERROR: AddressSanitizer\|runtime error:" "$WORK/serve.log"; then
  echo "not ok - server log has a sanitizer report"
  grep -A20 "ERROR: AddressSanitizer\|runtime error:" "$WORK/serve.log" | head -n 40 | sed 's/^/# /'
  rc=1
fi
exit $rc
