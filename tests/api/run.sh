#!/usr/bin/env bash
# API and CLI tests against a real `sanxiang serve` on one store.
#   run.sh BUILD STORE WORKDIR   STORE: sqlite | postgresql (needs SANXIANG_TEST_PG_URL)
# Prints TAP; exits non-zero when any check fails.
set -uo pipefail
BUILD=$1
STORE=$2
WORK=$3
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$WORK"
if [ "$STORE" = sqlite ]; then
  DB="$WORK/api.db"
  rm -f "$DB" "$DB-wal" "$DB-shm"
else
  name="api_$$"
  psql -q "$SANXIANG_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null || exit 1
  DB=${SANXIANG_TEST_PG_URL/\/sanxiang_test\?/\/$name?}
fi
python3 "$ROOT/tests/api/test_api.py" --bin "$ROOT/$BUILD/sanxiang" --db "$DB" --store "$STORE" --work "$WORK"
rc=$?
if [ "$STORE" != sqlite ]; then
  psql -q "$SANXIANG_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || true
fi
exit $rc
