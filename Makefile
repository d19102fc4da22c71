# The two commands (see README.md): `make run` and `make test`. `make build` only builds.
# Every target first makes sure the Debian packages we build against are installed.
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CONFIG ?= conf/otcgw.toml
MAKEFLAGS += --no-print-directory

.PHONY: deps configure build test test-fast test-sanitize run clean format

deps:
	@bash tools/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Everything: the full suite (unit + end-to-end), then the engine/ledger/common unit
# tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
test: test-fast test-sanitize

test-fast: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

test-sanitize: deps
	@cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DOTC_SANITIZE=ON -DOTC_WITH_GATEWAY=OFF >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS)
	@cd $(ASAN_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

run: build
	@mkdir -p var
	@exec ./$(BUILD_DIR)/gateway/otcgw --config $(CONFIG) --demo-credentials conf/demo-credentials.toml

format:
	@find common engine ledger gateway tools tests -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	@rm -rf $(BUILD_DIR) $(ASAN_DIR)

# Opt-in load test (README "Benchmark"): otcgw with conf/bench/ on a temporary state dir and a
# free port, the standard otc-bench scenarios, figures printed. Never part of `make test`.
# `SECONDS_SCALE=0.2 make bench` shortens every window; `bash tools/bench.sh rfq` runs one.
.PHONY: bench
bench: build
	@bash tools/bench.sh
