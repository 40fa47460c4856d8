# The two commands: `make run` and `make test`. Each installs what is missing first.
JOBS ?= $(shell nproc)
# ccache hits across clones in other directories (CI builds a fresh clone).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
CONFIG ?= notifyd.toml
# `make fuzz`: seconds per fuzz target, and which targets (default: all).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

.PHONY: deps test-deps fuzz-deps build build-fuzz run test fuzz bench package clean

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

fuzz-deps:
	@scripts/install-deps.sh --fuzz

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

run: build
	@mkdir -p var
	build/release/bin/notifyd -c $(CONFIG)

# The fuzz targets are built with clang (its own preset) and run briefly, after the tests.
build-fuzz:
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)

test: test-deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan -j $(JOBS)
	@$(MAKE) --no-print-directory build-fuzz
	@ctest --preset fuzz -j $(JOBS)

fuzz: fuzz-deps
	@$(MAKE) --no-print-directory build-fuzz
	@fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: build
	@scripts/install-deps.sh --bench
	@bench/run_all.sh

# build/release/notifyd_<version>_amd64.deb and notifyd-dev_<version>_amd64.deb
# (the SDK), checked by lintian (errors and hardening tags fail the build).
package: build
	@scripts/install-deps.sh --package
	@rm -f build/release/notifyd_*.deb build/release/notifyd-dev_*.deb
	@cd build/release && cpack -G DEB
	@lintian --fail-on error --tag-display-limit 0 build/release/notifyd_*_amd64.deb build/release/notifyd-dev_*_amd64.deb
	@! lintian --pedantic -I --tag-display-limit 0 build/release/notifyd_*_amd64.deb | grep hardening
	@ls -l build/release/notifyd_*_amd64.deb build/release/notifyd-dev_*_amd64.deb

clean:
	rm -rf build
