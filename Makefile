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
        libyaml-cpp-dev libcli11-dev doctest-dev openssl curl jq ca-certificates wrk util-linux
CHECK_DEPS := clang-format clang-tidy
FUZZ_DEPS := clang libclang-rt-14-dev
# `make bench`: the load generator, the Go peer's compiler, GNU time and Google Benchmark.
BENCH_DEPS := wrk golang-go time libbenchmark-dev
BENCH_RESULTS ?= $(BUILD)/bench-results
# `make reliability`: seconds per fuzz target, and where the figures go before RELIABILITY.md.
RELIABILITY_FUZZ_SECONDS ?= 20
RELIABILITY_OUT ?= $(BUILD)/reliability

.PHONY: all deps deps-check deps-fuzz deps-bench build test demo dist bench reliability asan check fmt fmt-check tidy fuzz fuzz-build fuzz-smoke clean

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

# The reliability suite (about 15 minutes): every fuzz target for RELIABILITY_FUZZ_SECONDS, the
# bad-input catalogues, the security checks, SIGTERM under load and the 10-minute soak; writes
# RELIABILITY.md. CI runs the shortened version as part of `make test` (reliability_short).
reliability: build fuzz-build
	@rm -rf $(RELIABILITY_OUT)
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(RELIABILITY_FUZZ_SECONDS)
	@bash tests/reliability/run.sh $(BUILD) $(RELIABILITY_OUT) full; rc=$$?; \
	  bash tests/reliability/report.sh $(RELIABILITY_OUT) $(FUZZ_BUILD)/fuzz-summary.tsv \
	    RELIABILITY.md; exit $$rc

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

# The fuzz targets, one per entry TARGET:MAX_LEN:SEED_DIRS (fixture folders, comma-separated,
# read-only). fuzz/seeds.sh adds the seeds that have to be derived from fixtures (dump folders,
# policy data cut to size, ...). fuzz_api_response is skipped until fuzz/fuzz_api_response.cc
# and its CMake target exist.
FUZZ_TARGETS := \
  fuzz_admission:65536:tests/testdata/admission,tests/testdata/samples/admission \
  fuzz_json_view:65536:tests/testdata/admission,tests/testdata/samples/admission \
  fuzz_webhook_config:65536: \
  fuzz_kubeconfig:65536:tests/testdata/kubeconfig \
  fuzz_exec_credential:65536: \
  fuzz_dump:262144: \
  fuzz_policy_data:65536: \
  fuzz_api_response:65536:tests/testdata/clusters
FUZZ_NAMES := $(foreach entry,$(FUZZ_TARGETS),$(firstword $(subst :, ,$(entry))))
# Derived seeds, made again when a fixture or the script changes.
FUZZ_SEED_CACHE := $(FUZZ_BUILD)/fuzz-seeds
FUZZ_SEED_STAMPS := $(foreach name,$(FUZZ_NAMES),$(FUZZ_SEED_CACHE)/$(name).stamp)
FUZZ_SEED_INPUTS := fuzz/seeds.sh tests/plugin/scenario_lib.sh $(shell find tests/testdata \
  data manifests/base manifests/components -type f 2>/dev/null)

# The fuzz targets are built with clang in their own tree; CI builds them (make test), `make fuzz`
# runs each for FUZZ_SECONDS. A target is built once its source and CMake target exist.
fuzz-build: deps-fuzz
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DAKSARC_FUZZ=ON -DAKSARC_WERROR=$(WERROR) >/dev/null
	@targets=""; for t in $(FUZZ_NAMES); do \
	  if [ -f fuzz/$$t.cc ] && grep -q "aksarc_fuzz_target($$t " fuzz/CMakeLists.txt; then \
	    targets="$$targets $$t"; else echo "fuzz-build: $$t skipped (not written yet)"; fi; \
	done; echo "cmake --build $(FUZZ_BUILD) -j $(JOBS) --target$$targets"; \
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $$targets

$(FUZZ_SEED_CACHE)/%.stamp: $(FUZZ_SEED_INPUTS)
	@rm -rf $(FUZZ_SEED_CACHE)/$*
	@bash fuzz/seeds.sh $* $(FUZZ_SEED_CACHE)/$*
	@touch $@

# A short run of every fuzz target (part of `make test`, so CI runs it; about a minute in all):
# a crash, leak, hang or sanitizer report fails the build after the summary,
# $(FUZZ_BUILD)/fuzz-summary.tsv, is written; the inputs are left in the printed folder.
FUZZ_SMOKE_SECONDS ?= 7
fuzz-smoke: fuzz-build $(FUZZ_SEED_STAMPS)
	@bash fuzz/run.sh smoke $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS) $(FUZZ_BUILD)/fuzz-summary.tsv \
	  $(FUZZ_SEED_CACHE) $(FUZZ_TARGETS)

# Every target for FUZZ_SECONDS. New inputs go to fuzz/corpus-<name> (git-ignored), the derived
# seeds first; the fixtures are read-only seeds. Crash inputs: $(FUZZ_BUILD)/fuzz-artifacts/.
fuzz: fuzz-build $(FUZZ_SEED_STAMPS)
	@bash fuzz/run.sh fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_BUILD)/fuzz-summary.tsv \
	  $(FUZZ_SEED_CACHE) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) dist compile_commands.json
