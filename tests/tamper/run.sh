#!/usr/bin/env bash
# Tamper test: proves `sanxiang verify` catches direct edits to the database (tamper.py says how
# and what is out of reach by design).
#   run.sh BUILD STORE WORKDIR   BUILD: build dir holding sanxiang; STORE: sqlite | postgresql
#                                (postgresql needs SANXIANG_TEST_PG_URL, a superuser URL)
# Prints TAP; exits non-zero when any check fails.
set -uo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 BUILD sqlite|postgresql WORKDIR" >&2
  exit 2
fi
BUILD=$1
STORE=$2
WORK=$3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
case "$BUILD" in
/*) BIN="$BUILD/sanxiang" ;;
*) BIN="$ROOT/$BUILD/sanxiang" ;;
esac
mkdir -p "$WORK/tamper"
exec python3 "$ROOT/tests/tamper/tamper.py" --bin "$BIN" --store "$STORE" \
  --work "$WORK/tamper" --root "$ROOT"
