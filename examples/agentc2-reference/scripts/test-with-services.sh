#!/usr/bin/env bash
# Runs the reference app's whole test suite: the self-contained tests, then the tests against a real
# PostgreSQL and a real Redis, both started here on 127.0.0.1 (ephemeral ports, password auth, a
# temporary directory) and removed on exit. Needs node, npm, PostgreSQL's server binaries and
# redis-server (Debian: apt-get install postgresql redis-server; their own services may stay stopped).
# As root, PostgreSQL runs as an unprivileged user (PG_USER, default postgres).
# With arguments, runs only those test files against the services (e.g. test/services/schema.test.js).
set -euo pipefail

APP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_USER=${PG_USER:-postgres}
PG_BINDIR=${PG_BINDIR:-$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)}

die() { echo "test-with-services: $*" >&2; exit 1; }

for tool in node npm redis-server redis-cli; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install nodejs npm redis-server redis-tools)"
done
[[ -x "$PG_BINDIR/initdb" && -x "$PG_BINDIR/pg_ctl" ]] \
  || die "PostgreSQL server binaries not found in '$PG_BINDIR' (apt-get install postgresql, or set PG_BINDIR)"

WORK=$(mktemp -d /tmp/agentc2-services.XXXXXX)
as_pg_user() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}
cleanup() {
  as_pg_user "$PG_BINDIR/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  if [[ -f "$WORK/redis.pid" ]]; then kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
random_secret() {
  node -e 'console.log(require("crypto").randomBytes(18).toString("hex"))'
}

start_postgres() {
  local port=$1 password=$2
  printf '%s\n' "$password" > "$WORK/pgpass"
  mkdir -p "$WORK/pg" "$WORK/socket"
  if [[ $(id -u) -eq 0 ]]; then
    chown -R "$PG_USER" "$WORK/pg" "$WORK/socket" "$WORK/pgpass"
    chmod 711 "$WORK"  # the PostgreSQL user only needs to reach its own folders
  fi
  as_pg_user "$PG_BINDIR/initdb" -D "$WORK/pg" -U agentc2 --pwfile="$WORK/pgpass" \
    --auth=scram-sha-256 --encoding=UTF8 --no-sync >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
  as_pg_user "$PG_BINDIR/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $WORK/socket -c fsync=off -c max_connections=100" >/dev/null \
    || { cat "$WORK/pg/server.log" >&2; die "PostgreSQL did not start"; }
}

start_redis() {
  local port=$1 password=$2
  redis-server --bind 127.0.0.1 --port "$port" --requirepass "$password" --save '' --appendonly no \
    --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log" --dir "$WORK" \
    || die "redis-server did not start"
  for _ in $(seq 50); do
    redis-cli -p "$port" -a "$password" --no-auth-warning ping 2>/dev/null | grep -q PONG && return
    sleep 0.1
  done
  cat "$WORK/redis.log" >&2
  die "redis-server does not answer"
}

cd "$APP_DIR"
npm ci --omit=dev --no-audit --no-fund

if [[ $# -eq 0 ]]; then
  echo "== self-contained tests"
  node --test test/*.test.js
  set -- test/services/*.test.js
fi

pg_port=$(free_port)
redis_port=$(free_port)
pg_password=$(random_secret)
redis_password=$(random_secret)
start_postgres "$pg_port" "$pg_password"
start_redis "$redis_port" "$redis_password"

echo "== tests against PostgreSQL (127.0.0.1:$pg_port) and Redis (127.0.0.1:$redis_port)"
TEST_DATABASE_URL="postgres://agentc2:$pg_password@127.0.0.1:$pg_port/postgres" \
TEST_REDIS_URL="redis://:$redis_password@127.0.0.1:$redis_port/0" \
  node --test "$@"
