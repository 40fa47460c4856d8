#!/usr/bin/env bash
# Runs the fuzz targets (built by the fuzz preset) one after another, each for
# SECONDS (default 60), over its seed corpus in fuzz/corpus/<name> and what
# earlier runs found in build/fuzz/fuzz/corpus/<name>. With names, runs only
# those (`http_request cookies`). A crash or a broken invariant leaves its
# input in build/fuzz/artifacts/ and makes the run fail; logs go to
# build/fuzz/logs/<name>.log.
#   usage: fuzz/run.sh [SECONDS] [NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
build=build/fuzz
if [[ $# -gt 0 ]]; then
  names=("$@")
else
  names=()
  for binary in "$build"/bin/fuzz_*; do names+=("${binary##*/fuzz_}"); done
fi
[[ ${#names[@]} -gt 0 ]] || { echo "fuzz: no targets in $build/bin; build the fuzz preset first" >&2; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1:intercept_tls_get_addr=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/artifacts" "$build/logs"
failed=()
for name in "${names[@]}"; do
  found="$build/fuzz/corpus/$name"
  log="$build/logs/$name.log"
  mkdir -p "$found"
  if "$build/bin/fuzz_$name" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$build/artifacts/$name-" "$found" "fuzz/corpus/$name" >"$log" 2>&1; then
    result=ok
  else
    result="FAILED (see $log)"
    failed+=("$name")
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  echo "fuzz: $name: ${seconds}s, ${runs:-?} inputs run, $(ls "$found" | wc -l) kept: $result"
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
