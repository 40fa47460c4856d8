# Sourced by the benchmarks.

# The part of a benchmark daemon's notifyd.toml every load shares: the
# daemon, a pipeline sized for bursts to made-up users, and the socket API the
# load posts to.
# Usage: bench_daemon_toml DATA_DIR PLUGIN_DIR SOCKET_PATH [THREADS]
bench_daemon_toml() {
  cat <<TOML
[daemon]
data_dir = "$1"
plugin_dir = "$2"
log_level = "warn"
threads = ${4:-2}

[pipeline]
recipients = "any"
max_in_flight = 256
outbox_memory_items = 100000
history_max_count = 10000000

[[plugin]]
use = "socket"
name = "api"
path = "$3"
mode = "0666"
max_connections = 1024
TOML
}

# The start every benchmark against PostgreSQL shares: skipped (exit 0) when
# PostgreSQL 15 is missing, the open-file limit raised, and `work` set to a new
# world-traversable directory /tmp/notifyd-$2.XXXXXX. $1 names the benchmark.
bench_postgres_setup() {
  if [[ ! -x /usr/lib/postgresql/15/bin/initdb ]]; then
    echo "$1: skipped, PostgreSQL 15 is not installed (scripts/install-deps.sh --bench)"
    exit 0
  fi
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  work=$(mktemp -d "/tmp/notifyd-$2.XXXXXX")
  chmod 755 "$work"
}
