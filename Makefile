# The two commands: `make run` and `make test`. Each installs what is missing first.
JOBS ?= $(shell nproc)
CONFIG ?= notifyd.toml

.PHONY: deps test-deps build run test bench clean

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

run: build
	@mkdir -p var
	build/release/bin/notifyd -c $(CONFIG)

test: test-deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan -j $(JOBS)

bench: build
	@scripts/install-deps.sh --bench
	@bench/run_all.sh

clean:
	rm -rf build
