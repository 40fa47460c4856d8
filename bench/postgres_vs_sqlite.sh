#!/usr/bin/env bash
# One replica with its store in PostgreSQL 15 against the single-node SQLite
# store, on the socket and the WebSocket benchmarks, printed side by side with
# the targets of the replicas' design (accept p99 ≤ 2×, frames/s ≥ 0.6×).
# PostgreSQL is a throw-away cluster (tests/support/postgres.sh) with its
# durable defaults (fsync, synchronous commit), on the same disk as the SQLite
# data directory. Each figure is the median of BENCH_PG_RUNS runs per backend,
# the backends taking turns. Prints figures; asserts nothing. Run by
# bench/run_all.sh. Knobs: BENCH_BUILD, BENCH_SECONDS, BENCH_PG_RUNS,
# BENCH_CONNECTIONS (socket clients), BENCH_WS_CONNECTIONS, BENCH_WS_USERS,
# BENCH_WS_SENDERS (the WebSocket load posts as fast as its senders go),
# BENCH_PG_PARTS ("socket websocket" by default; name one to run only it).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/daemon_toml.sh

build=${BENCH_BUILD:-build/release}
seconds=${BENCH_SECONDS:-10}
runs=${BENCH_PG_RUNS:-3}
connections=${BENCH_CONNECTIONS:-64}
ws_connections=${BENCH_WS_CONNECTIONS:-10000}
ws_users=${BENCH_WS_USERS:-1000}
ws_senders=${BENCH_WS_SENDERS:-64}
parts=${BENCH_PG_PARTS:-socket websocket}

bench_postgres_setup "postgres vs sqlite" pgbench
daemon_pid=""
stop_daemon() {
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  daemon_pid=""
}
cleanup() {
  stop_daemon
  tests/support/postgres.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT

POSTGRES_DURABLE=1 tests/support/postgres.sh start "$work/pg"
server=$(cat "$work/pg/dsn")
mkdir -p "$work/plugins"
ln -s "$PWD/$build/lib/notifyd/"*.so "$PWD/$build/lib/notifyd-fixtures/notifyd_test_channel.so" "$work/plugins/"

field() { sed -n "s/.*[[:space:]]$1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" <<<"$2" | head -1; }

# Starts notifyd with its store on backend $1 (sqlite or postgres), run
# directory $2 and the plugins in $3 besides the socket API.
start_daemon() {
  local backend=$1 dir=$2 plugins=$3 cluster=""
  mkdir -p "$dir"
  if [[ $backend == postgres ]]; then
    local database="bench_$(basename "$dir" | tr -c 'a-z0-9\n' '_')"
    psql "$server" -qc "CREATE DATABASE $database" >/dev/null
    echo "$server dbname=$database" > "$dir/dsn"
    chmod 600 "$dir/dsn"
    cluster=$'[cluster]\nbackend = "postgres"\ndsn_file = "'"$dir/dsn"$'"\n'
  fi
  {
    bench_daemon_toml "$dir/data" "$work/plugins" "$dir/notifyd.sock"
    printf '\n%s\n%s\n' "$plugins" "$cluster"
  } > "$dir/notifyd.toml"
  "$build/bin/notifyd" -c "$dir/notifyd.toml" 2> "$dir/notifyd.log" &
  daemon_pid=$!
  for _ in $(seq 300); do [[ -S "$dir/notifyd.sock" ]] && break; sleep 0.1; done
  [[ -S "$dir/notifyd.sock" ]] || { echo "notifyd ($backend) did not start:" >&2; tail -n 20 "$dir/notifyd.log" >&2; exit 1; }
}

# The socket benchmark: keep-alive clients posting /v1/notify, durably accepted through a no-op channel.
socket_run() {
  local backend=$1 dir=$work/socket-$1-$2 out
  start_daemon "$backend" "$dir" $'[[plugin]]\nuse = "test_channel"\nname = "noop"\n'
  out=$("$build/bin/http_load" --socket "$dir/notifyd.sock" --connections "$connections" --seconds "$seconds") || true
  stop_daemon
  accept_rps[$backend]+=" $(field rps "$out")"
  accept_p50[$backend]+=" $(field p50_ms "$out")"
  accept_p99[$backend]+=" $(field p99_ms "$out")"
  accept_errors[$backend]=$(( ${accept_errors[$backend]:-0} + $(field errors "$out") ))
}

# The WebSocket benchmark: notifications posted as fast as the senders go, fanned out to the connected apps.
websocket_run() {
  local backend=$1 dir=$work/websocket-$1-$2 port out load
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$dir"
  head -c 32 /dev/urandom | base64 > "$dir/jwt.secret"
  start_daemon "$backend" "$dir" "[[plugin]]
use = \"websocket\"
name = \"desktop\"
listen = \"127.0.0.1:$port\"
jwt_secret_file = \"$dir/jwt.secret\"
max_connections = $((ws_connections + 1000))
max_connections_per_user = $((ws_connections / ws_users + 1))
max_unauthenticated_per_address = 1024"
  out=$("$build/bin/websocket_load" --port "$port" --socket "$dir/notifyd.sock" --secret-file "$dir/jwt.secret" \
    --daemon-pid "$daemon_pid" --connections "$ws_connections" --users "$ws_users" --senders "$ws_senders" \
    --rate 0 --seconds "$seconds") || true
  stop_daemon
  load=$(grep '^notifications=' <<<"$out" || true)
  frames_per_s[$backend]+=" $(field frames_per_s "$load")"
  frames_p99[$backend]+=" $(field p99_ms "$load")"
  ws_accept_p99[$backend]+=" $(field accept_p99_ms "$load")"
  frames[$backend]=$(( ${frames[$backend]:-0} + $(field frames "$load") ))
  frames_expected[$backend]=$(( ${frames_expected[$backend]:-0} + $(field frames_expected "$load") ))
}

declare -A accept_rps accept_p50 accept_p99 accept_errors frames_per_s frames_p99 ws_accept_p99 frames frames_expected
for ((run = 1; run <= runs; run++)); do
  for backend in sqlite postgres; do
    [[ " $parts " == *" socket "* ]] && socket_run "$backend" "$run"
    [[ " $parts " == *" websocket "* ]] && websocket_run "$backend" "$run"
  done
done

# One line: label, the SQLite runs' figures, the PostgreSQL runs' figures,
# and the target for PostgreSQL / SQLite ("max 2", "min 0.6" or empty).
row() {
  python3 - "$@" <<'PY'
import statistics, sys
label, sqlite, postgres, target = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
a, b = statistics.median(map(float, sqlite)), statistics.median(map(float, postgres))
ratio = b / a if a else float("nan")
verdict = ""
if target:
    bound, limit = target[0], float(target[1])
    met = ratio <= limit if bound == "max" else ratio >= limit
    verdict = f"{'meets' if met else 'MISSES'} {'≤' if bound == 'max' else '≥'} {limit:g}×"
print(f"  {label:<28} {a:>12g} {b:>12g} {ratio:>9.2f}   {verdict}")
PY
}

echo "one replica on PostgreSQL 15 vs SQLite ($build, $(nproc) cores, median of $runs runs of ${seconds}s each)"
printf '  %-28s %12s %12s %9s   %s\n' "" "SQLite" "PostgreSQL" "PG/SQLite" "target"
if [[ " $parts " == *" socket "* ]]; then
echo "  socket API: $connections keep-alive clients posting /v1/notify (durable accept, no-op channel)"
row "accepted/s" "${accept_rps[sqlite]}" "${accept_rps[postgres]}" ""
row "accept p50 ms" "${accept_p50[sqlite]}" "${accept_p50[postgres]}" ""
row "accept p99 ms" "${accept_p99[sqlite]}" "${accept_p99[postgres]}" "max 2"
fi
if [[ " $parts " == *" websocket "* ]]; then
echo "  websocket: $ws_connections apps ($ws_users users), $ws_senders senders posting as fast as they go"
row "frames/s" "${frames_per_s[sqlite]}" "${frames_per_s[postgres]}" "min 0.6"
row "end-to-end p99 ms" "${frames_p99[sqlite]}" "${frames_p99[postgres]}" ""
row "accept p99 ms" "${ws_accept_p99[sqlite]}" "${ws_accept_p99[postgres]}" ""
fi
echo "  socket errors: SQLite ${accept_errors[sqlite]:-0}, PostgreSQL ${accept_errors[postgres]:-0};" \
  "frames received of expected: SQLite ${frames[sqlite]:-0} of ${frames_expected[sqlite]:-0}," \
  "PostgreSQL ${frames[postgres]:-0} of ${frames_expected[postgres]:-0}"
