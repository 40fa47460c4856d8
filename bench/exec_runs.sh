#!/usr/bin/env bash
# The exec trigger: runs per second and overhead per run for a trivial
# script (print('{"notify": false}')), with 8 runs at once ([checks]
# max_concurrent = 8), through POST /v1/checks/<name>/run, with warm
# interpreters (the default) and without; the same script started directly
# (xargs -P 8) as the baseline; and the daemon's RSS before and after 10,000 runs. Prints figures; asserts nothing. Run by `make bench`
# (bench/run_all.sh). BENCH_BUILD=build/asan measures the test build instead.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BENCH_BUILD:-build/release}
runs=${BENCH_EXEC_RUNS:-10000}
concurrency=${BENCH_EXEC_CONCURRENCY:-8}
baseline_runs=${BENCH_EXEC_BASELINE_RUNS:-1000}
python=/usr/bin/python3
work=$(mktemp -d /tmp/notifyd-bench-exec.XXXXXX)
daemon_pid=""
cleanup() {
  [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for needed in "$build/bin/notifyd" "$build/lib/notifyd/notifyd_exec.so" "$build/lib/notifyd-fixtures/notifyd_test_channel.so"; do
  if [[ ! -e "$needed" ]]; then
    echo "exec trigger: skipped, $needed is missing (build $build first)"
    exit 0
  fi
done

# Scripts are owned by whoever runs the benchmark, in a directory only they can write.
chmod 755 "$work"
mkdir -p "$work/plugins" "$work/checks"
ln -s "$PWD/$build/lib/notifyd/"*.so "$PWD/$build/lib/notifyd-fixtures/notifyd_test_channel.so" "$work/plugins/"
for ((i = 0; i < concurrency; i++)); do
  printf '%s\n' "print('{\"notify\": false}')" > "$work/checks/trivial_$i.py"
done
cat > "$work/notifyd.toml" <<TOML
[daemon]
data_dir = "$work/data"
plugin_dir = "$work/plugins"
log_level = "warn"
threads = 2

[checks]
max_concurrent = $concurrency

[[plugin]]
use = "socket"
name = "api"
path = "$work/notifyd.sock"
mode = "0600"

[[plugin]]
use = "test_channel"
name = "noop"

[[plugin]]
use = "exec"
name = "scripts"
users = ["$(id -un)"]
pattern = "$work/checks/*.py"
interpreter = "$python"
max_children = $((concurrency * 2))
warm_start = true
TOML

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Runs `total` checks with `concurrency` clients, each keeping one connection
# and running its own check (the host never runs one check twice at once).
drive() {
  "$python" - "$work/notifyd.sock" "$1" "$concurrency" <<'PY'
import http.client, json, socket, sys, threading, time

path, total, clients = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

class Connection(http.client.HTTPConnection):
    def __init__(self):
        super().__init__("localhost", timeout=120)
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)

lock = threading.Lock()
issued = 0
outcomes, latencies, durations, unexpected = {}, [], [], []

def client(index):
    global issued
    connection = Connection()
    while True:
        with lock:
            if issued >= total:
                return
            issued += 1
        started = time.perf_counter()
        connection.request("POST", f"/v1/checks/trivial_{index}/run", body=b"", headers={"Content-Length": "0"})
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        run = json.loads(body)["run"] if response.status == 200 else {"outcome": f"http {response.status}", "duration_ms": 0}
        with lock:
            outcomes[run["outcome"]] = outcomes.get(run["outcome"], 0) + 1
            latencies.append(elapsed)
            durations.append(run["duration_ms"])
            if run["outcome"] != "quiet" and len(unexpected) < 3:
                unexpected.append(f'{run["outcome"]}: {run.get("detail", "")} {run.get("stderr", "")[-200:]}'.strip())

threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
started = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
wall = time.perf_counter() - started
latencies.sort()
print(f"wall={wall:.3f} rate={total / wall:.1f} p50_ms={latencies[len(latencies) // 2] * 1000:.1f} "
      f"p99_ms={latencies[int(len(latencies) * 0.99)] * 1000:.1f} "
      f"run_ms={sum(durations) / len(durations):.1f} "
      f"outcomes={','.join(f'{k}:{v}' for k, v in sorted(outcomes.items()))}")
for line in unexpected:
    print("unexpected:", line.replace("\n", " | "))
PY
}
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# Starts notifyd with warm_start = $1, measures $2 runs after 200 warm-up
# runs, prints its lines and stops it.
measure() {
  local warm=$1 count=$2
  sed -i "s/^warm_start = .*/warm_start = $warm/" "$work/notifyd.toml"
  rm -f "$work/notifyd.sock"
  "$build/bin/notifyd" -c "$work/notifyd.toml" 2> "$work/notifyd.log" &
  daemon_pid=$!
  for _ in $(seq 100); do [[ -S "$work/notifyd.sock" ]] && break; sleep 0.1; done
  if [[ ! -S "$work/notifyd.sock" ]]; then
    echo "  notifyd did not start:"
    cat "$work/notifyd.log"
    return
  fi
  local idle_rss warm_rss after_rss ticks_before ticks_after result rate
  idle_rss=$(rss_kib "$daemon_pid")
  drive 200 > /dev/null
  warm_rss=$(rss_kib "$daemon_pid")
  ticks_before=$(cpu_ticks "$daemon_pid")
  result=$(drive "$count")
  ticks_after=$(cpu_ticks "$daemon_pid")
  after_rss=$(rss_kib "$daemon_pid")
  rate=$(field rate "$result")
  read -r slot_overhead daemon_cpu < <("$python" -c "
c = $concurrency
print(f'{(c / $rate - c / $direct_rate) * 1000:.1f}', f'{($ticks_after - $ticks_before) / $(getconf CLK_TCK) / $count * 1000:.2f}')")
  if [[ $warm == true ]]; then
    echo "  warm start (the default): $rate runs/s   (target >= 200), $count runs"
  else
    echo "  cold start (warm_start = false): $rate runs/s, $count runs; $slot_overhead ms of wall time per slot over a direct start"
  fi
  echo "    request p50 $(field p50_ms "$result") ms, p99 $(field p99_ms "$result") ms; run $(field run_ms "$result") ms on average (fork to reap); daemon CPU $daemon_cpu ms per run"
  echo "    outcomes: $(field outcomes "$result")"
  sed -n 's/^unexpected: /    unexpected: /p' <<<"$result"
  echo "    daemon RSS: idle $((idle_rss / 1024)) MiB, after 200 warm-up runs $((warm_rss / 1024)) MiB, after $count more $((after_rss / 1024)) MiB"
  if [[ $warm == true ]]; then
    local interpreters
    interpreters=$(ps --ppid "$daemon_pid" -o rss= | awk '{n++; kib += $1} END {printf "%d, %.1f MiB RSS in all", n, kib / 1024}')
    echo "    warm interpreters: $interpreters"
  fi
  kill "$daemon_pid"
  wait "$daemon_pid" 2>/dev/null || true
  daemon_pid=""
}

echo "exec trigger: a trivial Python script run through POST /v1/checks/<name>/run, $concurrency at once ($(nproc) cores, $build)"

started=$(date +%s.%N)
seq "$baseline_runs" | xargs -P "$concurrency" -I{} "$python" "$work/checks/trivial_0.py" > /dev/null
finished=$(date +%s.%N)
direct_rate=$("$python" -c "print(f'{$baseline_runs / ($finished - $started):.1f}')")
echo "  started directly: $direct_rate runs/s   (xargs -P $concurrency, $baseline_runs runs: the ceiling for executing Python per run)"
measure true "$runs"
measure false "$baseline_runs"
