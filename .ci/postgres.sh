#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the tests on 127.0.0.1:${PGPORT:-55432} and prints its
# JDBC URL. Idempotent: a server already answering there is reused.
set -euo pipefail
port=${PGPORT:-55432}
data=${PGDATA_DIR:-/tmp/api-analytics-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
url="jdbc:postgresql://127.0.0.1:${port}/apianalytics?user=apianalytics&password=apianalytics"
if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  echo "$url"
  exit 0
fi
id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# not answering: start from a fresh cluster (the data is throwaway, and a server killed with
# its session may have left a stale lock file behind)
if [ -f "$data/postmaster.pid" ]; then
  as_postgres "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
fi
rm -rf "$data"
mkdir -p "$data"
if [ "$(id -u)" = 0 ]; then chown postgres "$data"; fi
as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
  -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" start >/dev/null
psql_() { as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(psql_ -c "select 1 from pg_roles where rolname='apianalytics'")" != 1 ]; then
  psql_ -c "create role apianalytics login superuser password 'apianalytics'"
fi
if [ "$(psql_ -c "select 1 from pg_database where datname='apianalytics'")" != 1 ]; then
  psql_ -c "create database apianalytics owner apianalytics"
fi
echo "$url"
