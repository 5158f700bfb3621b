# fleet — the two set-up commands are `make demo` and `make test`; both install what is missing first.
SWIFT ?= swift
# The demo and the benchmarks use an optimised binary; the tests use the debug build `swift test` makes.
RELEASE_FLAGS := -c release --static-swift-stdlib
FLEET_RELEASE = $(shell $(SWIFT) build $(RELEASE_FLAGS) --show-bin-path 2>/dev/null)/fleet

.PHONY: all deps bench-deps build release demo test bench bench-smoke format clean help

all: build

help:
	@echo "make demo         install missing packages, build, run fleet on the example fleet"
	@echo "make test         install missing packages, build, run the whole test suite"
	@echo "make bench        run the benchmark suite against reference tools (slow)"
	@echo "make bench-smoke  the benchmark suite at a tiny size (part of make test)"

deps:
	@scripts/install-deps.sh
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "swift not found: install Swift 6.1 or later (https://swift.org/install)" >&2; exit 1; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product fleet

demo: release
	@scripts/demo.sh "$(FLEET_RELEASE)"

# Suites that assert on concurrency and timing (process reaping and cancellation, signal delivery, live terminal
# redraws, scheduling) run in a second pass of their own: on a 2-core machine the rest of the suite's blocking child
# processes can occupy the cooperative thread pool these tests measure.
TIMING_TESTS := ProcessScaleTests|ProcessTerminationTests|SignalTrapTests|TerminalInteractiveTests|EngineSchedulingTests|EngineFailureTests

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip '$(TIMING_TESTS)'
	$(SWIFT) test --skip-build --filter '$(TIMING_TESTS)'
	python3 -m unittest discover -q bench/tests
	@$(MAKE) --no-print-directory bench-smoke

bench-deps:
	@scripts/install-deps.sh bench

# The full suite: release build, 105k-file fleet (generated once under bench/work/), ratios against hyperfine'd
# reference tools; writes bench/results.json. Takes 15–30 minutes on 2 cores.
bench: bench-deps release
	python3 bench/run --fleet "$(FLEET_RELEASE)"

# Every benchmark on tiny fleets, 2 runs, no verdict: proves the suite runs (part of make test).
bench-smoke: bench-deps
	$(SWIFT) build --product fleet
	python3 bench/run --smoke --fleet "$$($(SWIFT) build --show-bin-path)/fleet"

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build
