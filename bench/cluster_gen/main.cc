// aksarc-bench-cluster: writes a synthetic AKS Arc cluster (fixture folder for the test API
// server) for the plugin benchmark: `--nodes N --pods P --out DIR [--template DIR]`.
// Exit codes: 0 written, 1 generation failed (template or disk), 2 bad arguments (CLI11's own
// codes for unparsable flags).

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "bench/cluster_gen/generator.h"

#ifndef AKSARC_DEFAULT_TEMPLATE
#define AKSARC_DEFAULT_TEMPLATE "tests/testdata/clusters/aksarc-healthy"
#endif

int main(int argc, char** argv) {
  CLI::App app{
      "aksarc-bench-cluster: a synthetic AKS Arc cluster, grown from a recorded one, as a "
      "fixture folder for aksarc-test-apiserver"};
  aksarc::bench::ClusterSpec spec;
  std::string out, templ = AKSARC_DEFAULT_TEMPLATE;
  app.add_option("--nodes", spec.nodes, "Nodes in all, 3 of them control plane")
      ->required()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--pods", spec.pods, "Pods in all, system pods included")
      ->required()
      ->check(CLI::Range(int64_t{0}, int64_t{100000000}));
  app.add_option("--out", out, "Folder to write (new, empty, or an earlier output)")->required();
  app.add_option("--template", templ, "Recorded cluster to grow from")->capture_default_str();
  app.add_option("--pods-per-namespace", spec.pods_per_namespace,
                 "Application pods per application namespace")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);
  spec.out = out;
  spec.template_dir = templ;

  const auto start = std::chrono::steady_clock::now();
  aksarc::Result<aksarc::bench::ClusterSummary> r = aksarc::bench::generate_cluster(spec);
  if (!r.ok()) {
    std::cerr << "aksarc-bench-cluster: " << r.error().message << '\n';
    return r.error().code == aksarc::ErrorCode::kInvalidArgument ? 2 : 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const aksarc::bench::ClusterSummary& s = r.value();
  std::printf(
      "wrote %s: %d nodes (%d control plane), %lld pods (%lld system, %lld in %d application "
      "namespaces, %lld Deployments), %.1f MB in %.2f s\n",
      out.c_str(), s.nodes, s.control_plane, static_cast<long long>(s.pods),
      static_cast<long long>(s.system_pods), static_cast<long long>(s.pods - s.system_pods),
      s.app_namespaces, static_cast<long long>(s.app_deployments),
      static_cast<double>(s.bytes) / 1e6, seconds);
  return 0;
}
