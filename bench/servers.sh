#!/usr/bin/env bash
# Several servers on one database (issue 18, item 4): write on server A, visible on server B.
# A demo of N enterprises (default 20,000) in a throw-away PostgreSQL (scripts/pg_tmp.sh) and
# in an SQLite file; bench/servers.py runs two servers on one of them and times WRITES renames
# (default 200) from A's PATCH to B's first page showing it. Alternating runs (RUNS, default
# 5) of: PostgreSQL with LISTEN/NOTIFY (ours), PostgreSQL polled every 10 ms
# (CC_FOLLOW_LISTEN=0), SQLite polled every 10 ms. Medians and spread of p50 and p99.
#   bench/servers.sh [ENTERPRISES] [WRITES]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
WRITES=${2:-200}
B=${BUILD:-build}
CC=$(realpath "$B/chainchief")
W=$(mktemp -d /tmp/cc-bench-servers.XXXXXX)
PG=$(scripts/pg_tmp.sh start)
trap 'scripts/pg_tmp.sh stop "$PG"; rm -rf "$W"' EXIT
for db in "$W/s.db" "$PG"; do
  "$CC" --db "$db" demo --enterprises "$N" --no-accounts >/dev/null
  "$CC" --db "$db" user add bench1 --role admin --password Bench-servers-pass-1 >/dev/null
done
export CC
bench/alternate.py --runs "${RUNS:-5}" --no-ratio \
  --metric p50_ms:"write on A -> visible on B, p50 ms:lower" \
  --metric p99_ms:"write on A -> visible on B, p99 ms:lower" \
  --metric max_ms:"max ms:lower" \
  -- pg-listen "python3 bench/servers.py '$PG' $WRITES" \
  -- pg-poll "CC_FOLLOW_LISTEN=0 python3 bench/servers.py '$PG' $WRITES" \
  -- sqlite-poll "python3 bench/servers.py '$W/s.db' $WRITES"
