#!/usr/bin/env bash
# Makes Postgres and Redis available for LabKeys.
#   services.sh start   use DATABASE_URL / REDIS_URL when set; otherwise start (or reuse)
#                       local servers from Debian packages, data under .labkeys/
#   services.sh stop    stop the local servers this script started
#   services.sh status  say what runs
#   services.sh env     print the DATABASE_URL and REDIS_URL to use
# Ports are non-default so a system Postgres or Redis is never touched:
# LABKEYS_PG_PORT (55432) and LABKEYS_REDIS_PORT (56379).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="${LABKEYS_SERVICES_DIR:-$ROOT/.labkeys/services}"
PG_PORT="${LABKEYS_PG_PORT:-55432}"
REDIS_PORT="${LABKEYS_REDIS_PORT:-56379}"
PG_DIR="$STATE_DIR/postgres"
REDIS_DIR="$STATE_DIR/redis"
PG_USER=labkeys
PG_PASSWORD=labkeys
LOCAL_DATABASE_URL="postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/labkeys"
LOCAL_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"

log() { echo "[services] $*" >&2; }
die() { echo "[services] error: $*" >&2; exit 1; }

pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  return 1
}

apt_install() {
  [ "$(id -u)" = 0 ] || die "missing $* and not root: install the Debian packages $* (or set DATABASE_URL and REDIS_URL)"
  command -v apt-get >/dev/null || die "missing $* and no apt-get: set DATABASE_URL and REDIS_URL"
  log "installing $* from Debian packages"
  # Keep the packages' own system services from starting: we run our own instances.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=1; fi
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@"; } >/dev/null || { [ $created = 1 ] && rm -f "$policy"; die "apt-get install $* failed"; }
  [ $created = 1 ] && rm -f "$policy"
  return 0
}

# Postgres refuses to run as root; as root we run it as the unprivileged "postgres" user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_running() { as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; }

# A LabKeys Postgres already listening on the port (another checkout's, say) is reused.
pg_answers() { PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=3 "$1/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; }

start_postgres() {
  pg_bin >/dev/null || apt_install postgresql
  local bin; bin="$(pg_bin)" || die "postgres binaries not found after install"
  if [ ! -f "$PG_DIR/data/postmaster.pid" ] && pg_answers "$bin"; then
    log "reusing the LabKeys Postgres already listening on port $PG_PORT"
    PGPASSWORD="$PG_PASSWORD" "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='labkeys'" | grep -q 1 \
      || PGPASSWORD="$PG_PASSWORD" "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" labkeys
    return 0
  fi
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres "$PG_DIR"
    # The unprivileged user must be able to reach the data directory.
    local d="$PG_DIR"; while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done
  fi
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    log "initialising Postgres in $PG_DIR/data"
    local pwfile="$PG_DIR/.pw"; echo "$PG_PASSWORD" >"$pwfile"; [ "$(id -u)" = 0 ] && chown postgres "$pwfile"
    as_pg "$bin/initdb" -D "$PG_DIR/data" -U "$PG_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null \
      || as_pg "$bin/initdb" -D "$PG_DIR/data" -U "$PG_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >/dev/null
    rm -f "$pwfile"
  fi
  if pg_running; then
    log "Postgres already running on port $PG_PORT"
  else
    log "starting Postgres on port $PG_PORT"
    as_pg "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 start \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB -c fsync=${LABKEYS_PG_FSYNC:-on}" >/dev/null \
      || { tail -20 "$PG_DIR/postgres.log" >&2; die "Postgres did not start"; }
  fi
  as_pg "$bin/psql" -h "$PG_DIR" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='labkeys'" | grep -q 1 \
    || as_pg "$bin/createdb" -h "$PG_DIR" -p "$PG_PORT" -U "$PG_USER" labkeys
}

redis_bin() { command -v redis-server || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; }; }
redis_cli() { command -v redis-cli || echo /usr/bin/redis-cli; }
redis_running() { "$(redis_cli)" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  redis_bin >/dev/null || apt_install redis-server
  mkdir -p "$REDIS_DIR"
  if redis_running; then
    log "Redis already running on port $REDIS_PORT"
    return 0
  fi
  log "starting Redis on port $REDIS_PORT"
  "$(redis_bin)" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" \
    --appendonly yes --maxmemory-policy noeviction --save '' \
    --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
  for _ in $(seq 1 100); do redis_running && return 0; sleep 0.1; done
  tail -20 "$REDIS_DIR/redis.log" >&2; die "Redis did not start"
}

stop_all() {
  if [ -f "$PG_DIR/data/PG_VERSION" ] && pg_bin >/dev/null && pg_running; then
    log "stopping Postgres"; as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
  fi
  if [ -f "$REDIS_DIR/redis.pid" ] && redis_running; then
    log "stopping Redis"; "$(redis_cli)" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do redis_running || break; sleep 0.1; done
  fi
}

print_env() {
  echo "DATABASE_URL=${DATABASE_URL:-$LOCAL_DATABASE_URL}"
  echo "REDIS_URL=${REDIS_URL:-$LOCAL_REDIS_URL}"
}

case "${1:-start}" in
  start)
    if [ -n "${DATABASE_URL:-}" ]; then log "using DATABASE_URL from the environment"; else start_postgres; fi
    if [ -n "${REDIS_URL:-}" ]; then log "using REDIS_URL from the environment"; else start_redis; fi
    print_env
    ;;
  stop) stop_all ;;
  status)
    if pg_bin >/dev/null && [ -f "$PG_DIR/data/PG_VERSION" ] && pg_running; then echo "postgres: running on $PG_PORT"; else echo "postgres: stopped"; fi
    if redis_bin >/dev/null && redis_running; then echo "redis: running on $REDIS_PORT"; else echo "redis: stopped"; fi
    ;;
  env) print_env ;;
  *) die "usage: services.sh start|stop|status|env" ;;
esac
