#!/usr/bin/env bash
# Installs the Debian 12 packages notifyd needs to build, test and run
# (build and run packages always; test, fuzzing, bench or packaging tools with
# --test/--fuzz/--bench/--package, which may be combined).
# Idempotent: packages already present are left alone; apt runs only when
# something is missing.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev rapidjson-dev libcurl4-openssl-dev catch2
  libtomlplusplus-dev libssl-dev libsqlite3-dev libpq-dev
  tzdata  # /usr/share/zoneinfo: the cron plugin reads TZif files (libstdc++ 12 has no tzdb)
)
# What the shipped examples need at run time (`make run`): Debian's python3
# with matplotlib for examples/notifications/metric_report.py.
run_packages=(python3 python3-matplotlib)
# The browser tests (tests/browser) drive Debian's chromium with playwright-core
# from npm; node and npm from another source (e.g. NodeSource) will do.
# tests/integration/test_webui_identity.py signs in through a real `ssh -L`
# tunnel, with its own sshd on a loopback port.
# The replica tests start a throw-away PostgreSQL 15 (tests/support/postgres.sh).
test_packages=(python3 procps python3-websockets chromium nodejs npm openssh-server openssh-client postgresql-15)
# The fuzz targets (fuzz/, `make fuzz`, and briefly in `make test`): clang
# with libFuzzer and the sanitizer runtimes; llvm for llvm-symbolizer, which
# turns the addresses in a finding's stack trace into lines.
fuzz_packages=(clang libclang-rt-dev llvm)
bench_packages=(nginx-light procps postgresql-15)
# `make package` and tests/integration/test_package.py: cpack's DEB generator
# uses dpkg-deb and dpkg-shlibdeps (dpkg-dev), the result is checked with
# lintian, and the unit with systemd-analyze (systemd); the test installs the
# packages into a clean Debian 12 root made with debootstrap.
package_packages=(dpkg-dev lintian systemd debootstrap)

wanted=("${build_packages[@]}" "${run_packages[@]}")
for mode in "$@"; do
  case "$mode" in
    # The tests build and check the Debian package too, and run the fuzz targets briefly.
    --test) wanted+=("${test_packages[@]}" "${package_packages[@]}" "${fuzz_packages[@]}") ;;
    --fuzz) wanted+=("${fuzz_packages[@]}") ;;
    --bench) wanted+=("${bench_packages[@]}") ;;
    --package) wanted+=("${package_packages[@]}") ;;
    *) echo "usage: $0 [--test] [--fuzz] [--bench] [--package]" >&2; exit 64 ;;
  esac
done

# Packages whose command, when already on PATH from elsewhere, is enough.
provided_by_command() {
  case "$1" in
    nodejs) command -v node >/dev/null 2>&1 ;;
    npm) command -v npm >/dev/null 2>&1 ;;
    *) return 1 ;;
  esac
}

missing=()
for pkg in "${wanted[@]}"; do
  if provided_by_command "$pkg"; then
    continue
  fi
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
