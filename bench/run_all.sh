#!/usr/bin/env bash
# Throughput and latency of the unix-socket API, durably accepted through a
# no-op channel, next to nginx answering a static response on the same kind
# of socket. Prints figures; asserts nothing. Run by `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/daemon_toml.sh

build=build/release
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-64}
work=$(mktemp -d /tmp/notifyd-bench.XXXXXX)
daemon_pid=""
nginx_pid=""
cleanup() {
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/plugins"
ln -s "$PWD/$build/lib/notifyd/"*.so "$PWD/$build/lib/notifyd-fixtures/notifyd_test_channel.so" "$work/plugins/"
{
  bench_daemon_toml "$work/data" "$work/plugins" "$work/notifyd.sock"
  printf '\n[[plugin]]\nuse = "test_channel"\nname = "noop"\n'
} > "$work/notifyd.toml"

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
delivered() {
  python3 - "$work/notifyd.sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while chunk := s.recv(65536): data += chunk
body = json.loads(data.split(b"\r\n\r\n", 1)[1])
print(sum(c["delivered"] for c in body["channels"]), sum(c["pending"] for c in body["channels"]))
PY
}

"$build/bin/notifyd" -c "$work/notifyd.toml" &
daemon_pid=$!
for _ in $(seq 100); do [[ -S "$work/notifyd.sock" ]] && break; sleep 0.1; done
idle_rss=$(rss_kib "$daemon_pid")

echo "notifyd: $connections keep-alive clients posting /v1/notify for ${seconds}s (durable accept, no-op channel)"
started=$(date +%s.%N)
ours=$("$build/bin/http_load" --socket "$work/notifyd.sock" --connections "$connections" --seconds "$seconds") || true
load_rss=$(rss_kib "$daemon_pid")
read -r done_count pending < <(delivered)
while [[ "$pending" != "0" ]]; do sleep 0.2; read -r done_count pending < <(delivered); done
finished=$(date +%s.%N)
ours_rps=$(field rps "$ours")
delivered_rps=$(python3 -c "print(round($done_count / ($finished - $started - 1)))")
echo "  accepted/s:   $ours_rps   ($(field requests "$ours") requests, $(field errors "$ours") errors)"
echo "  delivered/s:  $delivered_rps   ($done_count delivered, including warm-up)"
echo "  latency:      p50 $(field p50_ms "$ours") ms, p99 $(field p99_ms "$ours") ms"
echo "  daemon RSS:   idle $((idle_rss / 1024)) MiB, after load $((load_rss / 1024)) MiB"

mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 100000000;
  client_body_temp_path $work/nginx;
  server {
    listen unix:$work/nginx.sock;
    location / { return 200 '{"ok":true}'; }
  }
}
NGINX
nginx -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!
for _ in $(seq 100); do [[ -S "$work/nginx.sock" ]] && break; sleep 0.1; done
echo "nginx (1 worker): static 200 response, same clients and duration"
theirs=$("$build/bin/http_load" --socket "$work/nginx.sock" --connections "$connections" --seconds "$seconds") || true
theirs_rps=$(field rps "$theirs")
echo "  requests/s:   $theirs_rps   p50 $(field p50_ms "$theirs") ms, p99 $(field p99_ms "$theirs") ms"
echo "notifyd / nginx: $(python3 -c "print(f'{$ours_rps / max($theirs_rps, 1):.2f}')")"
# Nothing of this part may run on while the next benchmarks measure.
cleanup
daemon_pid=""
nginx_pid=""

# The desktop WebSocket channel: idle memory per connection, frames/s, end-to-end latency.
bench/websocket.sh

# One replica with its store in PostgreSQL against SQLite, on the socket and WebSocket loads.
echo
BENCH_BUILD="$build" bench/postgres_vs_sqlite.sh

# 1, 2 and 3 replicas on one PostgreSQL, the desktop apps spread over them.
echo
BENCH_BUILD="$build" bench/cluster.sh

# Telegram delivery under the Bot API's rate limits (fake server on 127.0.0.1).
echo
BENCH_BUILD="$build" /usr/bin/python3 bench/telegram_rate.py

# The exec trigger: runs/s of a trivial script with 8 at once, and RSS across 10,000 runs.
echo
BENCH_BUILD="$build" bench/exec_runs.sh
