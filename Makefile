# Thin wrappers around CMake and CTest. `make test` is what CI runs.
SHELL := /bin/bash
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
WERROR ?= ON

# Debian packages the build and tests need. `make deps` installs the missing ones, quietly and
# idempotently (nothing is downloaded when all are present).
DEPS := cmake make g++ pkg-config libcpp-httplib-dev libssl-dev nlohmann-json3-dev \
        libyaml-cpp-dev libcli11-dev doctest-dev openssl curl jq ca-certificates
CHECK_DEPS := clang-format clang-tidy
FUZZ_DEPS := clang libclang-rt-14-dev
# `make bench`: the load generator, the Go peer's compiler, GNU time and Google Benchmark.
BENCH_DEPS := wrk golang-go time libbenchmark-dev
BENCH_RESULTS ?= $(BUILD)/bench-results

.PHONY: all deps deps-check deps-fuzz deps-bench build test demo dist bench asan check fmt fmt-check tidy fuzz fuzz-build fuzz-smoke clean

all: build

define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then sudo=sudo; else sudo=; fi; \
	  $$sudo apt-get update -qq >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

deps:
	$(call apt_install,$(DEPS))

deps-check: deps
	$(call apt_install,$(CHECK_DEPS))

deps-fuzz: deps
	$(call apt_install,$(FUZZ_DEPS))

deps-bench: deps
	$(call apt_install,$(BENCH_DEPS))

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAKSARC_WERROR=$(WERROR) >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	@ln -sf $(BUILD)/compile_commands.json compile_commands.json

test: build fuzz-build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory fuzz-smoke

demo: build
	@bash scripts/demo_report.sh $(BUILD)
	@bash scripts/demo.sh $(BUILD)/aksarc-support-webhook

# The plugin's archive for this architecture, its sha256 and the filled-in krew manifest in dist/.
dist: build
	@bash scripts/dist.sh $(BUILD) dist

# Benchmarks against the peers (about 10 minutes): writes BENCHMARKS.md. The tree is configured
# again so that Google Benchmark, installed just now, is found.
bench: deps-bench
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAKSARC_WERROR=$(WERROR) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	bash bench/run.sh $(BUILD) $(BENCH_RESULTS)

asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DAKSARC_SANITIZE=ON -DAKSARC_WERROR=$(WERROR) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

SOURCES = $(shell git ls-files '*.h' '*.cc')

fmt: deps-check
	clang-format -i $(SOURCES)

fmt-check: deps-check
	clang-format --dry-run -Werror $(SOURCES)

tidy: deps-check build
	clang-tidy -p $(BUILD) --quiet $(filter %.cc,$(filter-out tests/% fuzz/%,$(SOURCES)))

check: fmt-check tidy test

# The fuzz targets are built with clang in their own tree; CI builds them (make test), `make fuzz`
# runs each for FUZZ_SECONDS.
fuzz-build: deps-fuzz
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DAKSARC_FUZZ=ON -DAKSARC_WERROR=$(WERROR) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_admission fuzz_json_view

# A short run of each fuzz target from the fixtures (part of `make test`, so CI runs it): a crash,
# leak or sanitizer report fails the build; the input is left in the printed folder.
FUZZ_SMOKE_SECONDS ?= 10
fuzz-smoke: fuzz-build
	@work=$$(mktemp -d); \
	for target in fuzz_admission fuzz_json_view; do \
	  mkdir -p $$work/$$target; \
	  if ! $(FUZZ_BUILD)/fuzz/$$target -max_total_time=$(FUZZ_SMOKE_SECONDS) -max_len=65536 \
	      -artifact_prefix=$$work/ $$work/$$target tests/testdata/admission \
	      tests/testdata/samples/admission >$$work/$$target.log 2>&1; then \
	    tail -40 $$work/$$target.log; echo "fuzz-smoke: $$target failed; inputs in $$work"; exit 1; \
	  fi; \
	  echo "fuzz-smoke: $$target: $$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' $$work/$$target.log)"; \
	done; rm -rf $$work

# New inputs go to fuzz/corpus-work (git-ignored); the fixtures are read-only seeds.
fuzz: fuzz-build
	@mkdir -p fuzz/corpus-work
	$(FUZZ_BUILD)/fuzz/fuzz_admission -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	  fuzz/corpus-work tests/testdata/admission tests/testdata/samples/admission
	@mkdir -p fuzz/corpus-json-view
	$(FUZZ_BUILD)/fuzz/fuzz_json_view -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	  fuzz/corpus-json-view tests/testdata/admission tests/testdata/samples/admission

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) dist compile_commands.json
