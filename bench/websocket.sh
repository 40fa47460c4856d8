#!/usr/bin/env bash
# The desktop WebSocket channel under load: the daemon's RSS with 10,000
# authenticated idle connections (1,000 users), then notifications for those
# users posted to the unix-socket API at a fixed rate, with the frames per
# second the apps receive, the end-to-end latency (request written → frame
# read) and the CPU time spent per frame. Prints figures; asserts nothing.
# Run by bench/run_all.sh. Knobs: BENCH_WS_CONNECTIONS, BENCH_WS_USERS,
# BENCH_WS_RATE, BENCH_SECONDS, BENCH_WS_RUNS, BENCH_WS_THREADS (io threads).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/daemon_toml.sh

build=${BENCH_BUILD:-build/release}
connections=${BENCH_WS_CONNECTIONS:-10000}
users=${BENCH_WS_USERS:-1000}
rate=${BENCH_WS_RATE:-5100}
seconds=${BENCH_SECONDS:-10}
per_user=$((connections / users))

# Two descriptors per connection in this script's processes (daemon and client).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d /tmp/notifyd-wsbench.XXXXXX)
shm=""
daemon_pid=""
stop_daemon() {
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  daemon_pid=""
}
cleanup() {
  stop_daemon
  rm -rf "$work" ${shm:+"$shm"}
}
trap cleanup EXIT

field() { sed -n "s/.*[[:space:]]$1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" <<<"$2" | head -1; }

# One daemon with its data directory in $1, one run of the load client.
run() {
  local data_dir=$1 port out idle load
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  head -c 32 /dev/urandom | base64 > "$work/jwt.secret"
  bench_daemon_toml "$data_dir" "$PWD/$build/lib/notifyd" "$work/notifyd.sock" "${BENCH_WS_THREADS:-2}" > "$work/notifyd.toml"
  cat >> "$work/notifyd.toml" <<TOML

[[plugin]]
use = "websocket"
name = "desktop"
listen = "127.0.0.1:$port"
jwt_secret_file = "$work/jwt.secret"
max_connections = $((connections + 1000))
max_connections_per_user = $((per_user + 1))
# Every bench connection comes from loopback, up to 256 of them opening at once.
max_unauthenticated_per_address = 1024
TOML
  rm -f "$work/notifyd.sock"
  "$build/bin/notifyd" -c "$work/notifyd.toml" 2> "$work/notifyd.log" &
  daemon_pid=$!
  for _ in $(seq 100); do [[ -S "$work/notifyd.sock" ]] && break; sleep 0.1; done
  sleep 0.5
  out=$("$build/bin/websocket_load" --port "$port" --socket "$work/notifyd.sock" --secret-file "$work/jwt.secret" \
    --daemon-pid "$daemon_pid" --connections "$connections" --users "$users" --rate "$rate" --seconds "$seconds") || true
  stop_daemon
  idle=$(grep '^connections=' <<<"$out" || true)
  load=$(grep '^notifications=' <<<"$out" || true)
  if [[ "${2:-}" == "with-memory" ]]; then
    echo "websocket: $(field connections "$idle") authenticated idle connections ($users users; $(field failed "$idle") failed, opened in $(field open_s "$idle") s)"
    echo "  daemon RSS:   idle $(( $(field rss_idle_kib "$idle") / 1024 )) MiB, connected $(( $(field rss_connected_kib "$idle") / 1024 )) MiB"
    echo "  per connection: $(field per_connection_bytes "$idle") bytes above idle (target ≤ 8192)"
  fi
  echo "websocket: notifications for $users users ($per_user connections each) at $rate/s for ${seconds}s via POST /v1/notify, $3"
  echo "  frames/s:     $(field frames_per_s "$load") (target ≥ 50000; $(field frames "$load") of $(field frames_expected "$load") frames, $(field send_errors "$load") send errors)"
  echo "  end to end:   p50 $(field p50_ms "$load") ms, p99 $(field p99_ms "$load") ms (target ≤ 10), max $(field max_ms "$load") ms"
  p99s+=("$(field p99_ms "$load")")
  echo "  of which durable accept (POST answered): p50 $(field accept_p50_ms "$load") ms, p99 $(field accept_p99_ms "$load") ms"
  echo "  CPU per frame: daemon $(field daemon_cpu_us_per_frame "$load") µs, load client $(field client_cpu_us_per_frame "$load") µs (both on this machine's $(nproc) cores)"
  if grep -q -E ' (error|warn) ' "$work/notifyd.log"; then
    echo "  daemon warnings: $(grep -c -E ' (error|warn) ' "$work/notifyd.log") lines, e.g. $(grep -m1 -E ' (error|warn) ' "$work/notifyd.log")"
  fi
}

# The load phase is repeated: on a shared two-core machine that also runs the
# client, one run's tail says as much about the neighbours as about notifyd.
p99s=()
runs=${BENCH_WS_RUNS:-3}
run "$work/data1" with-memory "data directory on disk, run 1 of $runs"
for ((i = 2; i <= runs; i++)); do
  run "$work/data$i" "" "data directory on disk, run $i of $runs"
done
echo "websocket: end-to-end p99 over the $runs runs on disk: ${p99s[*]} ms; median $(printf '%s\n' "${p99s[@]}" | sort -g | sed -n "$(( (runs + 1) / 2 ))p") ms (target ≤ 10)"
# The same with the data directory in memory: the store's fdatasync
# costs nothing there, which shows what the channel itself adds.
if [[ -d /dev/shm ]]; then
  shm=$(mktemp -d /dev/shm/notifyd-wsbench.XXXXXX)
  run "$shm/data" "" "data directory on tmpfs (no fsync)"
fi
