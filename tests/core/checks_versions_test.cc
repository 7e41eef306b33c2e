// VER cluster checks (core/checks/versions.cc) on built states and real node lists, judged at
// fixed dates.
#include <doctest/doctest.h>

#include "core/checks/registry.h"
#include "ver_node_life_fixtures.h"

namespace aksarc {
namespace {

using namespace aksarc::testing::vnl;

const std::vector<std::unique_ptr<Check>>& family() {
  static const auto checks = make_version_checks();
  return checks;
}

ClusterState on_version(const std::string& version) {
  ClusterState s = healthy_azure_local(version);
  return s;
}

TEST_CASE("a healthy Azure Local cluster on 1.32.9 passes every VER check") {
  ClusterState s = healthy_azure_local();
  for (const auto& check : family()) {
    auto results = run_check(family(), check->id(), s, context(Platform::kAzureLocal));
    INFO(check->id() << ": " << results.front().message);
    CHECK(results.size() == 1);
    CHECK(results.front().status == CheckStatus::kPass);
  }
  auto cp = run_check(family(), "control-plane-version", s, context(Platform::kAzureLocal));
  CHECK(cp[0].rule == "VER-2");
  CHECK(cp[0].message.find("VER-2") == std::string::npos);  // the rule is a field, not prose
  CHECK(cp[0].message.find("no end of support announced") != std::string::npos);
  REQUIRE(cp[0].evidence.size() == 1);
  CHECK(cp[0].evidence[0].kind == "Version");
  CHECK(cp[0].evidence[0].field == "gitVersion");
  CHECK(cp[0].evidence[0].value == "v1.32.9");
}

TEST_CASE("control-plane-version: removed from Microsoft's servers fails with VER-3") {
  auto results = run_check(family(), "control-plane-version", on_version("v1.29.4"),
                           context(Platform::kAzureLocal));
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kFail);
  CHECK(results[0].rule == "VER-3");
  CHECK(results[0].message.find("2025-10-31") != std::string::npos);
  CHECK(results[0].remediation.find("upgrade to the latest version (1.33.5)") != std::string::npos);
  CHECK(results[0].remediation.find("redeployment") != std::string::npos);
}

TEST_CASE("control-plane-version: ending soon warns with the date and (inferred)") {
  auto results = run_check(family(), "control-plane-version", on_version("v1.30.14"),
                           context(Platform::kAzureLocal, {2026, 3, 1}));
  CHECK(results[0].status == CheckStatus::kWarn);
  CHECK(results[0].rule == "VER-1");
  CHECK(results[0].message.find("2026-03-19 (inferred)") != std::string::npos);
  CHECK(results[0].message.find("in 18 days") != std::string::npos);
  CHECK(results[0].remediation.find("before 2026-03-19") != std::string::npos);
}

TEST_CASE("control-plane-version: deprecated on Windows Server fails with VER-2") {
  auto results = run_check(family(), "control-plane-version", on_version("v1.28.5"),
                           context(Platform::kWindowsServer));
  CHECK(results[0].status == CheckStatus::kFail);
  CHECK(results[0].rule == "VER-2");
  CHECK(results[0].message.find("deprecated") != std::string::npos);
  CHECK(results[0].message.find("2025-06 (inferred)") != std::string::npos);
}

TEST_CASE("control-plane-version: unknown platform, not AKS Arc, unknown version, no /version") {
  ClusterState s = healthy_azure_local();
  auto unknown = run_check(family(), "control-plane-version", s, context(Platform::kUnknown));
  CHECK(unknown[0].status == CheckStatus::kUnknown);
  CHECK(unknown[0].remediation.find("--platform") != std::string::npos);
  CHECK(run_check(family(), "control-plane-version", s, context(Platform::kNotAksArc))[0].status ==
        CheckStatus::kSkipped);
  auto future = run_check(family(), "control-plane-version", on_version("v1.35.0"),
                          context(Platform::kAzureLocal));
  CHECK(future[0].status == CheckStatus::kUnknown);
  CHECK(future[0].message.find("--policy-data") != std::string::npos);

  s.version.reset();
  s.version_error = Error{ErrorCode::kUnavailable, "GET /version: connection refused"};
  auto missing = run_check(family(), "control-plane-version", s, context(Platform::kAzureLocal));
  CHECK(missing[0].status == CheckStatus::kUnknown);
  CHECK(missing[0].message.find("connection refused") != std::string::npos);
}

TEST_CASE("kubelet-versions: nodes grouped by version, evidence per node") {
  ClusterState s = healthy_azure_local();
  node_at(s, 2)["status"]["nodeInfo"]["kubeletVersion"] = "v1.29.4";
  auto results = run_check(family(), "kubelet-versions", s, context(Platform::kAzureLocal));
  REQUIRE(results.size() == 2);
  const CheckResult& removed = results[0];  // "v1.29.4" sorts first
  CHECK(removed.status == CheckStatus::kFail);
  CHECK(removed.rule == "VER-3");
  CHECK(removed.message.find("node moc-lw6q7r8s9t0") != std::string::npos);
  REQUIRE(removed.evidence.size() == 1);
  CHECK(removed.evidence[0].name == "moc-lw6q7r8s9t0");
  CHECK(removed.evidence[0].field == "status.nodeInfo.kubeletVersion");
  CHECK(results[1].status == CheckStatus::kPass);
  CHECK(results[1].evidence.size() == 2);

  node_at(s, 2)["status"]["nodeInfo"]["kubeletVersion"] = "garbage";
  auto bad = run_check(family(), "kubelet-versions", s, context(Platform::kAzureLocal));
  CHECK(worst(bad) == CheckStatus::kUnknown);

  s.lists[resources::nodes()].error = Error{ErrorCode::kForbidden, "nodes is forbidden"};
  auto forbidden = run_check(family(), "kubelet-versions", s, context(Platform::kAzureLocal));
  REQUIRE(forbidden.size() == 1);
  CHECK(forbidden[0].status == CheckStatus::kUnknown);
}

TEST_CASE("kubelet-versions: AKS Arc version strings parse") {
  ClusterState s = healthy_azure_local();
  for (size_t i = 0; i < 3; ++i) {
    node_at(s, i)["status"]["nodeInfo"]["kubeletVersion"] = "v1.28.5-kvapkg.1";
  }
  auto results =
      run_check(family(), "kubelet-versions", s, context(Platform::kWindowsServer, {2025, 5, 20}));
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kWarn);
  CHECK(results[0].message.find("3 nodes run v1.28.5-kvapkg.1") != std::string::npos);
}

TEST_CASE("version-skew: newer kubelet or too old fails; mixed versions warn") {
  ClusterState s = healthy_azure_local();
  node_at(s, 1)["status"]["nodeInfo"]["kubeletVersion"] = "v1.33.5";
  auto newer = run_check(family(), "version-skew", s, context(Platform::kAzureLocal));
  const CheckResult* fail = nullptr;
  for (const auto& r : newer) {
    if (r.status == CheckStatus::kFail) fail = &r;
  }
  REQUIRE(fail != nullptr);
  CHECK(fail->rule == "VER-4");
  CHECK(has_evidence(newer, "moc-lw1x2y3z4a5", "kubeletVersion"));
  CHECK(worst(newer) == CheckStatus::kFail);

  // 1.32 API server: 1.29 is three minors older, allowed since 1.28; 1.28 is not.
  node_at(s, 1)["status"]["nodeInfo"]["kubeletVersion"] = "v1.29.4";
  auto three = run_check(family(), "version-skew", s, context(Platform::kAzureLocal));
  REQUIRE(three.size() == 1);
  CHECK(three[0].status == CheckStatus::kWarn);
  node_at(s, 1)["status"]["nodeInfo"]["kubeletVersion"] = "v1.28.5";
  CHECK(worst(run_check(family(), "version-skew", s, context(Platform::kAzureLocal))) ==
        CheckStatus::kFail);

  // Before 1.28 the skew was two minors.
  ClusterState old = healthy_azure_local("v1.27.9");
  node_at(old, 1)["status"]["nodeInfo"]["kubeletVersion"] = "v1.24.11";
  CHECK(worst(run_check(family(), "version-skew", old, context(Platform::kAzureLocal))) ==
        CheckStatus::kFail);

  s.version.reset();
  CHECK(run_check(family(), "version-skew", s, context(Platform::kAzureLocal))[0].status ==
        CheckStatus::kUnknown);
}

TEST_CASE("real kind 1.20 cluster: not AKS Arc, skew passes") {
  ClusterState s = state_from_samples("kind-1.20-nodes.json", "kind-1.20-version.json");
  auto cp = run_check(family(), "control-plane-version", s, context(Platform::kNotAksArc));
  CHECK(cp[0].status == CheckStatus::kSkipped);
  auto skew = run_check(family(), "version-skew", s, context(Platform::kNotAksArc));
  REQUIRE(skew.size() == 1);
  CHECK(skew[0].status == CheckStatus::kPass);
  CHECK(skew[0].message.find("v1.20.0") != std::string::npos);
}

TEST_CASE("every VER check describes itself") {
  for (const auto& check : family()) {
    CHECK(check->rule().substr(0, 4) == "VER-");
    CHECK_FALSE(check->title().empty());
    CHECK(check->explanation().size() > 80);
  }
}

}  // namespace
}  // namespace aksarc
