// The webhook's decision cost without HTTP: nanoseconds per AdmissionReview for each benchmark
// body, whole (review_text + serialize_review, what /validate does) and split into its stages, so
// a change shows where the time goes:
//   Validate   the one pass over the body's text (core/json_view.h)
//   Decide     validated text -> response document (envelope, actors, rules reading in place)
//   Serialize  response document -> JSON text
//   Review     all three, as the server runs them
//   DomParse   for comparison: building an nlohmann document of the whole body, which is what
//              the engine did before it read in place
// Usage: aksarc-bench-decision --bodies DIR [Google Benchmark flags, e.g.
//        --benchmark_repetitions=5 --benchmark_format=json]
// DIR holds the bodies bench/bodies/generate.sh writes.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/admission.h"
#include "core/json_view.h"
#include "core/policy.h"

namespace {

using aksarc::json;

const char* const kBodies[] = {"pod-create", "node-update", "configmap-update"};

std::shared_ptr<const aksarc::Policy> bench_policy() {
  // The cluster version the webhook is given in the benchmarks (--cluster-version 1.31).
  auto policy = aksarc::make_policy_from_yaml("clusterVersion: \"1.31\"\n");
  if (!policy.ok()) {
    std::fprintf(stderr, "aksarc-bench-decision: %s\n", policy.error().message.c_str());
    std::exit(1);
  }
  return policy.value();
}

void bench_review(benchmark::State& state, const std::string& body) {
  static const auto policy = bench_policy();
  for (auto _ : state) {
    aksarc::ReviewOutcome out = aksarc::review_text(body, *policy);
    std::string text = aksarc::serialize_review(out.review);
    benchmark::DoNotOptimize(text.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void bench_validate(benchmark::State& state, const std::string& body) {
  for (auto _ : state) {
    auto doc = aksarc::JsonDocument::parse(body, aksarc::kMaxJsonDepth);
    benchmark::DoNotOptimize(doc.ok());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void bench_dom_parse(benchmark::State& state, const std::string& body) {
  for (auto _ : state) {
    json doc = json::parse(body, nullptr, false);
    benchmark::DoNotOptimize(doc.is_discarded());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void bench_decide(benchmark::State& state, const std::string& body) {
  static const auto policy = bench_policy();
  const auto doc = aksarc::JsonDocument::parse(body, aksarc::kMaxJsonDepth);
  for (auto _ : state) {
    aksarc::ReviewOutcome out = aksarc::review_view(doc.value().root(), *policy);
    benchmark::DoNotOptimize(out.review.is_object());
  }
}

void bench_serialize(benchmark::State& state, const std::string& body) {
  static const auto policy = bench_policy();
  const json response = aksarc::review_text(body, *policy).review;
  for (auto _ : state) {
    std::string text = aksarc::serialize_review(response);
    benchmark::DoNotOptimize(text.data());
  }
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "aksarc-bench-decision: cannot read %s (run bench/bodies/generate.sh)\n",
                 p.c_str());
    std::exit(1);
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Takes --bodies DIR out of argv (Google Benchmark rejects flags it does not know).
std::filesystem::path take_bodies_dir(int& argc, char** argv) {
  std::filesystem::path dir;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--bodies") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  if (dir.empty()) {
    std::fprintf(stderr, "usage: aksarc-bench-decision --bodies DIR [benchmark flags]\n");
    std::exit(1);
  }
  return dir;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = take_bodies_dir(argc, argv);
  static std::vector<std::string> bodies;  // outlive the registered benchmarks
  for (const char* name : kBodies) bodies.push_back(read_file(dir / (std::string(name) + ".json")));
  for (size_t i = 0; i < bodies.size(); ++i) {
    const std::string& body = bodies[i];
    std::string name = kBodies[i];
    benchmark::RegisterBenchmark(("Review/" + name).c_str(), bench_review, body);
    benchmark::RegisterBenchmark(("Validate/" + name).c_str(), bench_validate, body);
    benchmark::RegisterBenchmark(("Decide/" + name).c_str(), bench_decide, body);
    benchmark::RegisterBenchmark(("Serialize/" + name).c_str(), bench_serialize, body);
    benchmark::RegisterBenchmark(("DomParse/" + name).c_str(), bench_dom_parse, body);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
