#!/usr/bin/env bash
# 1 vs 2 vs 3 replicas on one PostgreSQL 15, on the WebSocket load: the apps
# take the replicas' desktop listeners in turn (a user's apps end up on
# different replicas), the senders the replicas' sockets, so most frames go
# out from a replica other than the one that accepted the notification.
# PostgreSQL is durable (fsync, synchronous commit). Each figure is the median
# of BENCH_CLUSTER_RUNS runs (default 3); the target of the replicas' design is
# frames/s with 3 replicas ≥ 0.9× one replica's (all on the same 2 cores: this
# measures the replicas' overhead, not their added capacity). Prints figures;
# asserts nothing. Knobs: BENCH_BUILD, BENCH_SECONDS, BENCH_CLUSTER_RUNS,
# BENCH_WS_CONNECTIONS, BENCH_WS_USERS, BENCH_WS_SENDERS, BENCH_CLUSTER_SIZES
# (the replica counts to run, "1 2 3" by default; the ratio needs 1 and 3).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/daemon_toml.sh

build=${BENCH_BUILD:-build/release}
seconds=${BENCH_SECONDS:-10}
runs=${BENCH_CLUSTER_RUNS:-3}
ws_connections=${BENCH_WS_CONNECTIONS:-3000}
ws_users=${BENCH_WS_USERS:-1000}
ws_senders=${BENCH_WS_SENDERS:-48}
sizes=${BENCH_CLUSTER_SIZES:-1 2 3}

bench_postgres_setup "cluster" cluster
pids=()
stop_replicas() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_replicas
  tests/support/postgres.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

POSTGRES_DURABLE=1 tests/support/postgres.sh start "$work/pg"
server=$(cat "$work/pg/dsn")
mkdir -p "$work/plugins"
ln -s "$PWD/$build/lib/notifyd/"*.so "$work/plugins/"
head -c 32 /dev/urandom | base64 > "$work/jwt.secret"
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
field() { sed -n "s/.*[[:space:]]$1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" <<<"$2" | head -1; }

# Runs the load against $1 replicas sharing a fresh database; run number $2.
cluster_run() {
  local count=$1 run=$2 database="bench_${1}_${2}" arguments=() dir port out load
  psql "$server" -qc "CREATE DATABASE $database" >/dev/null
  for ((i = 0; i < count; i++)); do
    dir=$work/r$count-$run-$i
    port=$(free_port)
    mkdir -p "$dir"
    echo "$server dbname=$database" > "$dir/dsn"
    chmod 600 "$dir/dsn"
    {
      bench_daemon_toml "$dir/data" "$work/plugins" "$dir/notifyd.sock"
      printf '\n[cluster]\nbackend = "postgres"\ndsn_file = "%s"\nhost_group = "bench"\n' "$dir/dsn"
      printf '\n[[plugin]]\nuse = "websocket"\nname = "desktop"\nlisten = "127.0.0.1:%s"\n' "$port"
      printf 'jwt_secret_file = "%s"\nmax_connections = %d\nmax_connections_per_user = %d\n' \
        "$work/jwt.secret" $((ws_connections + 1000)) $((ws_connections / ws_users + 1))
      printf 'max_unauthenticated_per_address = 1024\n'
    } > "$dir/notifyd.toml"
    "$build/bin/notifyd" -c "$dir/notifyd.toml" 2> "$dir/notifyd.log" &
    pids+=($!)
    for _ in $(seq 300); do [[ -S "$dir/notifyd.sock" ]] && break; sleep 0.1; done
    [[ -S "$dir/notifyd.sock" ]] || { echo "replica $i did not start:" >&2; tail -n 20 "$dir/notifyd.log" >&2; exit 1; }
    arguments+=(--port "$port" --socket "$dir/notifyd.sock" --daemon-pid "${pids[-1]}")
  done
  out=$("$build/bin/websocket_load" "${arguments[@]}" --secret-file "$work/jwt.secret" \
    --connections "$ws_connections" --users "$ws_users" --senders "$ws_senders" --rate 0 --seconds "$seconds") || true
  stop_replicas
  load=$(grep '^notifications=' <<<"$out" || true)
  frames_per_s[$count]+=" $(field frames_per_s "$load")"
  frames_p99[$count]+=" $(field p99_ms "$load")"
  accept_p99[$count]+=" $(field accept_p99_ms "$load")"
  frames[$count]=$(( ${frames[$count]:-0} + $(field frames "$load") ))
  frames_expected[$count]=$(( ${frames_expected[$count]:-0} + $(field frames_expected "$load") ))
  send_errors[$count]=$(( ${send_errors[$count]:-0} + $(field send_errors "$load") ))
}

declare -A frames_per_s frames_p99 accept_p99 frames frames_expected send_errors
for ((run = 1; run <= runs; run++)); do
  for count in $sizes; do cluster_run "$count" "$run"; done
done

# One line: label, the runs' figures for 1, 2 and 3 replicas, and whether the
# 3-replica figure meets "min R" of the 1-replica one (or nothing to check).
row() {
  python3 - "$@" <<'PY'
import statistics, sys
label, target = sys.argv[1], sys.argv[5].split()
one, two, three = (statistics.median(map(float, runs.split())) if runs.split() else float("nan") for runs in sys.argv[2:5])
ratio = three / one if one == one and one else float("nan")
verdict = f"{'meets' if ratio >= float(target[1]) else 'MISSES'} ≥ {float(target[1]):g}×" if target and ratio == ratio else ""
print(f"  {label:<22} {one:>10g} {two:>10g} {three:>10g} {ratio:>8.2f}   {verdict}")
PY
}

echo "replicas on one PostgreSQL 15 ($build, $(nproc) cores, median of $runs runs of ${seconds}s each)"
echo "  websocket: $ws_connections apps ($ws_users users) spread over the replicas, $ws_senders senders posting as fast as they go"
printf '  %-22s %10s %10s %10s %8s   %s\n' "" "1" "2" "3" "3 / 1" "target"
row "frames/s" "${frames_per_s[1]:-}" "${frames_per_s[2]:-}" "${frames_per_s[3]:-}" "min 0.9"
row "end-to-end p99 ms" "${frames_p99[1]:-}" "${frames_p99[2]:-}" "${frames_p99[3]:-}" ""
row "accept p99 ms" "${accept_p99[1]:-}" "${accept_p99[2]:-}" "${accept_p99[3]:-}" ""
for count in $sizes; do
  echo "  $count replica(s): frames received ${frames[$count]} of ${frames_expected[$count]}, send errors ${send_errors[$count]}"
done
