#!/usr/bin/env bash
# pg-test.sh: a throwaway PostgreSQL 15 cluster for tests.
#
#   pg-test.sh start DIR   create (if needed) and start a cluster in DIR/data, listening only on a
#                          Unix socket in DIR; create database sanxiang_test; print its URL
#   pg-test.sh url DIR     print the URL of the cluster in DIR
#   pg-test.sh stop DIR    stop the cluster (a stopped or missing cluster is not an error)
#
# PostgreSQL refuses to run as root, so when we are root the server runs as `postgres`
# (runuser) and DIR is handed to that user. TCP is off (listen_addresses=''), so clusters in
# different DIRs never collide. fsync is off: the data is thrown away, speed matters.
# Keep DIR short: a Unix socket path must fit in 107 bytes.
set -euo pipefail

BIN=/usr/lib/postgresql/15/bin
DB=sanxiang_test

usage() {
  echo "usage: $0 start|stop|url DIR" >&2
  exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2

# as_pg CMD...: run CMD as the cluster owner.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url() {
  echo "postgresql:///$DB?host=$dir&user=postgres"
}

running() {
  [ -f "$dir/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

case "$cmd" in
start)
  [ -x "$BIN/initdb" ] || {
    echo "PostgreSQL 15 is not installed ($BIN/initdb missing)" >&2
    exit 1
  }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "${#dir}" -gt 90 ]; then
    echo "DIR is too long for a Unix socket path: $dir" >&2
    exit 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    chmod 755 "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      echo "user postgres cannot reach $dir: make its parent directories traversable (chmod 755)" >&2
      exit 1
    fi
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg "$BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C \
      >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
  fi
  if ! running; then
    as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
      start >/dev/null || {
      cat "$dir/server.log" >&2
      exit 1
    }
  fi
  if ! as_pg "$BIN/psql" -h "$dir" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    as_pg "$BIN/createdb" -h "$dir" -U postgres -E UTF8 "$DB"
  fi
  url
  ;;
url)
  dir=$(cd "$dir" && pwd)
  url
  ;;
stop)
  [ -d "$dir/data" ] || exit 0
  if running; then
    as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
  ;;
*)
  usage
  ;;
esac
