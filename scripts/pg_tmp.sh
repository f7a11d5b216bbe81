#!/usr/bin/env bash
# A throw-away PostgreSQL for tests (issue 18): a cluster initdb'd into a temporary folder,
# owned and run by an unprivileged user, listening only on a unix socket in that folder.
#   scripts/pg_tmp.sh start        prints the connection URL on stdout (one line):
#                                  postgresql:///chainchief?host=DIR&port=PORT&user=postgres
#   scripts/pg_tmp.sh replica URL  makes a streaming standby of that server (pg_basebackup -R
#                                  into DIR/replica, started on another port, same socket
#                                  folder) and prints its URL; `stop` stops it too
#   scripts/pg_tmp.sh promote URL  promotes that standby (the replica's URL) to a primary
#   scripts/pg_tmp.sh kill URL     stops the server of URL (the primary's or the standby's) at
#                                  once, as a crash would (pg_ctl -m immediate); its folder
#                                  stays until `stop`
#   scripts/pg_tmp.sh stop URL|DIR stops the server (and its standby) and removes the folder
# The database `chainchief` is created with pg_trgm installed (full text on PostgreSQL).
# As root the server runs as the `postgres` user (initdb refuses root); otherwise as the
# caller. No TCP listener: the port only names the socket (.s.PGSQL.PORT), chosen free anyway
# so that a later TCP setting does not collide. fsync is off: the data is thrown away; so is
# synchronous_commit, unless PG_TMP_SYNCHRONOUS_COMMIT=on (with it off, WAL reaches a standby
# only at the WAL writer's next round, up to 200 ms later).
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "pg_tmp: no PostgreSQL server found under /usr/lib/postgresql/*/bin" \
       "(Debian: apt-get install postgresql-15 postgresql-contrib; or run scripts/setup.sh test)" >&2
  exit 1
fi

as_owner() { # runs "$@" as the folder's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

case "${1:-}" in
start)
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "pg_tmp: running as root needs the 'postgres' user (installed with postgresql-15)" >&2
    exit 1
  fi
  dir=$(mktemp -d /tmp/cc-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  port=$(free_port)
  if ! as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
       >"$dir/initdb.log" 2>&1; then
    echo "pg_tmp: initdb failed:" >&2; cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1
  fi
  if ! as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
       -o "-k $dir -p $port -c listen_addresses= -c fsync=off -c synchronous_commit=${PG_TMP_SYNCHRONOUS_COMMIT:-off} -c full_page_writes=off -c max_connections=100" \
       start >/dev/null 2>&1; then
    echo "pg_tmp: the server did not start:" >&2; cat "$dir/server.log" >&2; rm -rf "$dir"; exit 1
  fi
  if ! "$PGBIN/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
       -c "CREATE DATABASE chainchief TEMPLATE template0 ENCODING 'UTF8'" >/dev/null ||
     ! "$PGBIN/psql" -X -q -h "$dir" -p "$port" -U postgres -d chainchief -v ON_ERROR_STOP=1 \
       -c "CREATE EXTENSION pg_trgm" >/dev/null; then
    echo "pg_tmp: cannot create the database with pg_trgm (Debian: postgresql-contrib)" >&2
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"; exit 1
  fi
  echo "postgresql:///chainchief?host=$dir&port=$port&user=postgres"
  ;;
replica)
  url=${2:?usage: pg_tmp.sh replica URL}
  dir=$(echo "$url" | sed -E 's/.*[?&]host=([^&]*).*/\1/')
  port=$(echo "$url" | sed -E 's/.*[?&]port=([0-9]*).*/\1/')
  case "$dir" in /tmp/cc-pg.*) ;; *) echo "pg_tmp: '$dir' is not a folder pg_tmp.sh made" >&2; exit 1 ;; esac
  if [ -d "$dir/replica" ]; then echo "pg_tmp: $dir has a replica already" >&2; exit 1; fi
  rport=$(free_port)
  # initdb's pg_hba.conf lets local connections replicate (trust); wal_level is replica.
  if ! as_owner "$PGBIN/pg_basebackup" -h "$dir" -p "$port" -U postgres -D "$dir/replica" \
       -R -X stream -c fast >"$dir/basebackup.log" 2>&1; then
    echo "pg_tmp: pg_basebackup failed:" >&2; cat "$dir/basebackup.log" >&2; exit 1
  fi
  if ! as_owner "$PGBIN/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -w -t 60 \
       -o "-k $dir -p $rport -c listen_addresses= -c hot_standby=on" start >/dev/null 2>&1; then
    echo "pg_tmp: the standby did not start:" >&2; cat "$dir/replica.log" >&2; exit 1
  fi
  echo "postgresql:///chainchief?host=$dir&port=$rport&user=postgres"
  ;;
promote)
  url=${2:?usage: pg_tmp.sh promote REPLICA-URL}
  dir=$(echo "$url" | sed -E 's/.*[?&]host=([^&]*).*/\1/')
  case "$dir" in /tmp/cc-pg.*) ;; *) echo "pg_tmp: '$dir' is not a folder pg_tmp.sh made" >&2; exit 1 ;; esac
  as_owner "$PGBIN/pg_ctl" -D "$dir/replica" -w -t 60 promote >/dev/null
  ;;
kill)
  url=${2:?usage: pg_tmp.sh kill URL}
  dir=$(echo "$url" | sed -E 's/.*[?&]host=([^&]*).*/\1/')
  port=$(echo "$url" | sed -E 's/.*[?&]port=([0-9]*).*/\1/')
  case "$dir" in /tmp/cc-pg.*) ;; *) echo "pg_tmp: '$dir' is not a folder pg_tmp.sh made" >&2; exit 1 ;; esac
  # The cluster whose postmaster.pid names that port (its fourth line).
  data=
  for d in "$dir/data" "$dir/replica"; do
    if [ -f "$d/postmaster.pid" ] && [ "$(sed -n 4p "$d/postmaster.pid")" = "$port" ]; then data=$d; fi
  done
  [ -n "$data" ] || { echo "pg_tmp: no server of $dir runs on port $port" >&2; exit 1; }
  as_owner "$PGBIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null
  ;;
stop)
  arg=${2:?usage: pg_tmp.sh stop URL|DIR}
  dir=$arg
  case "$arg" in postgres*) dir=$(echo "$arg" | sed -E 's/.*[?&]host=([^&]*).*/\1/') ;; esac
  case "$dir" in /tmp/cc-pg.*) ;; *) echo "pg_tmp: '$dir' is not a folder pg_tmp.sh made" >&2; exit 1 ;; esac
  if [ -d "$dir/replica" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$dir/replica" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -d "$dir/data" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: scripts/pg_tmp.sh start | replica URL | promote REPLICA-URL | kill URL | stop URL" >&2; exit 2 ;;
esac
