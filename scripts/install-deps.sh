#!/usr/bin/env bash
# Installs the Debian 12 packages notifyd needs to build, test and run
# (build and run packages always; test or bench packages with --test/--bench).
# Idempotent: packages already present are left alone; apt runs only when
# something is missing.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev rapidjson-dev libcurl4-openssl-dev catch2
  libtomlplusplus-dev libssl-dev libsqlite3-dev
  tzdata  # /usr/share/zoneinfo: the cron plugin reads TZif files (libstdc++ 12 has no tzdb)
)
# What the shipped examples need at run time (`make run`): Debian's python3
# with matplotlib for examples/notifications/metric_report.py.
run_packages=(python3 python3-matplotlib)
test_packages=(python3 procps)
bench_packages=(nginx-light procps)

wanted=("${build_packages[@]}" "${run_packages[@]}")
case "${1:-}" in
  --test) wanted+=("${test_packages[@]}") ;;
  --bench) wanted+=("${bench_packages[@]}") ;;
  "") ;;
  *) echo "usage: $0 [--test|--bench]" >&2; exit 64 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages and not root; run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
