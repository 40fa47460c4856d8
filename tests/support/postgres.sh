#!/usr/bin/env bash
# The PostgreSQL 15 that tests share: a throw-away cluster on a free loopback
# port, owned by the `postgres` user, stopped by its pid.
#
#   postgres.sh start DIR   initdb a cluster in a new directory under /tmp
#                           (the postgres user may not reach DIR), start it,
#                           write its connection string to DIR/dsn and its
#                           directory to DIR/cluster
#   postgres.sh stop DIR    stop the server by the pid in its postmaster.pid,
#                           remove its directory
#   postgres.sh crash DIR   stop the server at once (`-m immediate`, as a
#                           crash), keeping its data
#   postgres.sh restart DIR start a crashed server again on its port
#
# The cluster trusts loopback connections (no password), runs with fsync off
# and ends a session idle inside a transaction after 5 s, as a replica's
# frozen lease holder must be ended. POSTGRES_DURABLE=1 (the benchmarks)
# keeps PostgreSQL's durable defaults: fsync, synchronous commit, full pages.
# POSTGRES_EXTRA_OPTIONS adds server options, e.g. for profiling a benchmark:
# "-c shared_preload_libraries=pg_stat_statements,auto_explain".
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
usage() { echo "usage: $0 start|stop|crash|restart DIR" >&2; exit 64; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$(realpath -m "$2")

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop() {
  [[ -f $dir/cluster ]] || return 0
  local cluster pid
  cluster=$(cat "$dir/cluster")
  if [[ -f $cluster/data/postmaster.pid ]]; then
    pid=$(head -n1 "$cluster/data/postmaster.pid")
    # SIGINT: fast shutdown (clients are disconnected, no waiting for them).
    if kill -INT "$pid" 2>/dev/null; then
      # The server removes postmaster.pid as it exits; `kill -0` alone would
      # wait for a parent that may never reap it (an init that reaps nothing).
      for _ in $(seq 1 300); do
        [[ -f $cluster/data/postmaster.pid ]] && kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  [[ $cluster == /tmp/notifyd-pg.* ]] && rm -rf "$cluster"
  rm -f "$dir/cluster" "$dir/dsn" "$dir/options"
}

crash() {
  as_postgres "$bin/pg_ctl" --pgdata="$(cat "$dir/cluster")/data" --mode=immediate --wait stop >/dev/null
}

restart() {
  local cluster
  cluster=$(cat "$dir/cluster")
  as_postgres "$bin/pg_ctl" --pgdata="$cluster/data" --log="$cluster/server.log" --wait --timeout=60 \
    -o "$(cat "$dir/options")" start >/dev/null
}

start() {
  [[ -x $bin/initdb ]] || { echo "PostgreSQL 15 is not installed ($bin): scripts/install-deps.sh --test" >&2; exit 1; }
  stop
  mkdir -p "$dir"
  local cluster
  cluster=$(mktemp -d /tmp/notifyd-pg.XXXXXX)
  echo "$cluster" >"$dir/cluster"
  mkdir "$cluster/socket"
  [[ $(id -u) -ne 0 ]] || chown -R postgres: "$cluster"
  as_postgres "$bin/initdb" --pgdata="$cluster/data" --username=postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$cluster/initdb.log" 2>&1 ||
    { cat "$cluster/initdb.log" >&2; exit 1; }
  local port attempt options
  # Tests: no syncing, and little WAL kept (the cluster is removed at the end; gigabytes of it took long).
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=128MB"
  [[ ${POSTGRES_DURABLE:-0} == 1 ]] && durability=""
  for attempt in 1 2 3; do
    port=$(free_port)
    options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$cluster/socket \
             $durability -c idle_in_transaction_session_timeout=5s -c max_connections=200 ${POSTGRES_EXTRA_OPTIONS:-}"
    if as_postgres "$bin/pg_ctl" --pgdata="$cluster/data" --log="$cluster/server.log" --wait --timeout=60 \
         -o "$options" start >/dev/null; then
      echo "host=127.0.0.1 port=$port user=postgres dbname=postgres connect_timeout=10" >"$dir/dsn"
      echo "$options" >"$dir/options"
      return 0
    fi
    echo "PostgreSQL did not start on port $port (attempt $attempt):" >&2
    tail -n 5 "$cluster/server.log" >&2 || true
  done
  exit 1
}

case $action in
  start) start ;;
  stop) stop ;;
  crash) crash ;;
  restart) restart ;;
  *) usage ;;
esac
