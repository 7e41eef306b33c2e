// LIFE cluster checks (core/checks/lifecycle.cc): --arc-status documents as `az connectedk8s show`
// prints them, judged at fixed dates, and the Arc agents in azure-arc.
#include <doctest/doctest.h>

#include "core/checks/registry.h"
#include "ver_node_life_fixtures.h"

namespace aksarc {
namespace {

using namespace aksarc::testing::vnl;

const std::vector<std::unique_ptr<Check>>& family() {
  static const auto checks = make_lifecycle_checks();
  return checks;
}

// The fields `az connectedk8s show` prints that the checks read (shape of the CLI's output).
json arc_show(const std::string& status, const std::string& last) {
  return {{"id",
           "/subscriptions/0b3c2a1e-1111-2222-3333-444455556666/resourceGroups/rg-demo/providers/"
           "Microsoft.Kubernetes/connectedClusters/demo"},
          {"name", "demo"},
          {"resourceGroup", "rg-demo"},
          {"kind", "ProvisionedCluster"},
          {"connectivityStatus", status},
          {"lastConnectivityTime", last},
          {"provisioningState", "Succeeded"},
          {"distribution", "AKS"}};
}

std::vector<CheckResult> connectivity(const json* arc, Platform p = Platform::kAzureLocal) {
  return run_check(family(), "arc-connectivity", healthy_azure_local(),
                   context(p, {2026, 11, 25}, arc));
}

TEST_CASE("arc-connectivity: days since the last connection against the 30-day rule") {
  json connected = arc_show("Connected", "2026-11-25T07:59:12.3+00:00");
  auto ok = connectivity(&connected);
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].status == CheckStatus::kPass);
  CHECK(ok[0].rule == "LIFE-3");
  REQUIRE(ok[0].evidence.size() == 2);
  CHECK(ok[0].evidence[0].kind == "ConnectedCluster");
  CHECK(ok[0].evidence[0].name == "demo");
  CHECK(ok[0].evidence[1].value == "2026-11-25T07:59:12.3+00:00");

  json offline_27 = arc_show("Offline", "2026-10-29T10:00:00Z");
  auto warn = connectivity(&offline_27);
  CHECK(warn[0].status == CheckStatus::kWarn);
  CHECK(warn[0].message.find("27 days") != std::string::npos);
  CHECK(warn[0].message.find("3 day(s) left") != std::string::npos);

  json offline_31 = arc_show("Offline", "2026-10-25T10:00:00Z");
  auto fail = connectivity(&offline_31);
  CHECK(fail[0].status == CheckStatus::kFail);
  CHECK(fail[0].message.find("31 days") != std::string::npos);

  json offline_3 = arc_show("Offline", "2026-11-22T10:00:00Z");
  CHECK(connectivity(&offline_3)[0].status == CheckStatus::kInfo);

  // Judged (--at) before the file was recorded: unknown, not a negative count of days.
  json later = arc_show("Connected", "2026-12-02T10:00:00Z");
  auto before = connectivity(&later);
  CHECK(before[0].status == CheckStatus::kUnknown);
  CHECK(before[0].message.find("after the date judged") != std::string::npos);

  json expired = arc_show("Expired", "2026-11-24T10:00:00Z");
  auto exp = connectivity(&expired);
  CHECK(exp[0].status == CheckStatus::kFail);
  CHECK(exp[0].message.find("Expired") != std::string::npos);
}

TEST_CASE("arc-connectivity: platform rules and a missing file") {
  json offline_31 = arc_show("Offline", "2026-10-25T10:00:00Z");
  auto ws = connectivity(&offline_31, Platform::kWindowsServer);
  CHECK(ws[0].status == CheckStatus::kSkipped);
  CHECK(ws[0].message.find("no 30-day") != std::string::npos);
  auto unknown_platform = connectivity(&offline_31, Platform::kUnknown);
  CHECK(unknown_platform[0].status == CheckStatus::kWarn);
  CHECK(unknown_platform[0].message.find("--platform") != std::string::npos);

  auto none = connectivity(nullptr);
  REQUIRE(none.size() == 1);
  CHECK(none[0].status == CheckStatus::kUnknown);
  CHECK(none[0].remediation.find("az connectedk8s show -n <cluster> -g <resource-group>") !=
        std::string::npos);
  CHECK(none[0].remediation.find("--arc-status arc.json") != std::string::npos);

  json garbage = {{"connectivityStatus", "Offline"}, {"lastConnectivityTime", "yesterday"}};
  CHECK(connectivity(&garbage)[0].status == CheckStatus::kUnknown);
  json not_object = json::array();
  CHECK(connectivity(&not_object)[0].status == CheckStatus::kUnknown);
  // The ARM shape (REST API) keeps the fields under "properties".
  json arm = {
      {"name", "demo"},
      {"properties",
       {{"connectivityStatus", "Connected"}, {"lastConnectivityTime", "2026-11-20T00:00:00Z"}}}};
  CHECK(connectivity(&arm)[0].status == CheckStatus::kPass);
}

TEST_CASE("arc-subscription: only what the file shows") {
  auto run_sub = [](const json* arc) {
    return run_check(family(), "arc-subscription", healthy_azure_local(),
                     context(Platform::kAzureLocal, {2026, 11, 25}, arc));
  };
  json shown = arc_show("Connected", "2026-11-25T07:59:12Z");
  auto provisioned = run_sub(&shown);
  REQUIRE(provisioned.size() == 1);
  CHECK(provisioned[0].status == CheckStatus::kInfo);
  CHECK(provisioned[0].rule == "LIFE-4");
  CHECK(provisioned[0].remediation.find("0b3c2a1e-1111-2222-3333-444455556666") !=
        std::string::npos);

  json disabled = shown;
  disabled["subscriptionState"] = "Disabled";
  auto fail = run_sub(&disabled);
  CHECK(fail[0].status == CheckStatus::kFail);
  CHECK(fail[0].message.find("60 days") != std::string::npos);
  CHECK(fail[0].evidence[0].value == "Disabled");

  json failed = shown;
  failed["provisioningState"] = "Failed";
  CHECK(run_sub(&failed)[0].status == CheckStatus::kWarn);

  json bare = json::object();
  CHECK(run_sub(&bare)[0].status == CheckStatus::kUnknown);
  auto none = run_sub(nullptr);
  CHECK(none[0].status == CheckStatus::kUnknown);
  CHECK(none[0].remediation.find("--arc-status") != std::string::npos);
}

TEST_CASE("arc-agents: present and ready passes; missing or unready fails on Azure Local") {
  ClusterState s = healthy_azure_local();
  auto run_agents = [](const ClusterState& state, Platform p) {
    return run_check(family(), "arc-agents", state, context(p));
  };
  auto ok = run_agents(s, Platform::kAzureLocal);
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].status == CheckStatus::kPass);

  json& deployments = s.lists[resources::deployments("azure-arc")].items;
  deployments.erase(deployments.begin());         // clusteridentityoperator
  deployments[0]["status"]["readyReplicas"] = 0;  // config-agent
  auto broken = run_agents(s, Platform::kAzureLocal);
  REQUIRE(broken.size() == 1);
  CHECK(broken[0].status == CheckStatus::kFail);
  CHECK(broken[0].evidence.size() == 2);
  CHECK(has_evidence(broken, "clusteridentityoperator", "metadata.name"));
  CHECK(has_evidence(broken, "config-agent", "status.readyReplicas"));
  CHECK(run_agents(s, Platform::kWindowsServer)[0].status == CheckStatus::kWarn);
  CHECK(run_agents(s, Platform::kUnknown)[0].status == CheckStatus::kWarn);

  ClusterState no_arc = healthy_azure_local();
  no_arc.lists[resources::deployments("azure-arc")].items = json::array();
  CHECK(run_agents(no_arc, Platform::kWindowsServer)[0].status == CheckStatus::kInfo);
  CHECK(run_agents(no_arc, Platform::kAzureLocal)[0].status == CheckStatus::kFail);
  CHECK(run_agents(no_arc, Platform::kNotAksArc)[0].status == CheckStatus::kSkipped);

  no_arc.lists.erase(resources::deployments("azure-arc"));
  CHECK(run_agents(no_arc, Platform::kAzureLocal)[0].status == CheckStatus::kUnknown);
}

TEST_CASE("every LIFE check describes itself") {
  for (const auto& check : family()) {
    CHECK(check->rule().substr(0, 5) == "LIFE-");
    CHECK_FALSE(check->title().empty());
    CHECK(check->explanation().size() > 80);
  }
}

}  // namespace
}  // namespace aksarc

namespace aksarc {
namespace {

using namespace aksarc::testing::vnl;

void set_ready(json& node, const std::string& status, const std::string& since) {
  node["status"]["conditions"] = json::array({{{"type", "MemoryPressure"}, {"status", "False"}},
                                              {{"type", "Ready"},
                                               {"status", status},
                                               {"lastTransitionTime", since},
                                               {"lastHeartbeatTime", since}}});
}

std::vector<CheckResult> stopped(const ClusterState& s) {
  static const auto checks = make_lifecycle_checks();
  return run_check(checks, "stopped-nodes", s, context(Platform::kAzureLocal, {2026, 11, 25}));
}

TEST_CASE("stopped-nodes: Ready nodes and short outages pass") {
  ClusterState s = healthy_azure_local();
  for (size_t i = 0; i < s.lists[resources::nodes()].items.size(); ++i) {
    set_ready(node_at(s, i), "True", "2026-01-01T00:00:00Z");
  }
  set_ready(node_at(s, 0), "Unknown", "2026-11-01T00:00:00Z");  // 24 days: not judged
  auto r = stopped(s);
  REQUIRE(r.size() == 1);
  CHECK(r[0].status == CheckStatus::kPass);
  CHECK(r[0].rule == "LIFE-2");
}

TEST_CASE("stopped-nodes: some nodes NotReady beyond 30 days fail with each node as evidence") {
  ClusterState s = healthy_azure_local();
  for (size_t i = 0; i < s.lists[resources::nodes()].items.size(); ++i) {
    set_ready(node_at(s, i), "True", "2026-01-01T00:00:00Z");
  }
  set_ready(node_at(s, 1), "Unknown", "2026-10-20T08:00:00Z");  // 36 days
  auto r = stopped(s);
  REQUIRE(r.size() == 1);
  CHECK(r[0].status == CheckStatus::kFail);
  CHECK(r[0].message.find("1 of") != std::string::npos);
  REQUIRE(r[0].evidence.size() == 1);
  CHECK(r[0].evidence[0].name == node_at(s, 1)["metadata"]["name"].get<std::string>());
  CHECK(r[0].evidence[0].value.find("36 days") != std::string::npos);
}

TEST_CASE("stopped-nodes: every node NotReady for months: stopped cluster, cannot be updated") {
  ClusterState s = healthy_azure_local();
  for (size_t i = 0; i < s.lists[resources::nodes()].items.size(); ++i) {
    set_ready(node_at(s, i), "Unknown", "2026-07-01T00:00:00Z");
  }
  auto r = stopped(s);
  REQUIRE(r.size() == 1);
  CHECK(r[0].status == CheckStatus::kFail);
  CHECK(r[0].message.find("every node") != std::string::npos);
  CHECK(r[0].message.find("can no longer be updated") != std::string::npos);
}

TEST_CASE("stopped-nodes: unreadable nodes make it unknown") {
  ClusterState s = healthy_azure_local();
  s.lists[resources::nodes()].error = Error{ErrorCode::kForbidden, "nodes is forbidden"};
  auto r = stopped(s);
  REQUIRE(r.size() == 1);
  CHECK(r[0].status == CheckStatus::kUnknown);
}

}  // namespace
}  // namespace aksarc

namespace aksarc {
namespace {

using namespace aksarc::testing::vnl;

std::vector<CheckResult> subscription(const ClusterState& s, Platform p) {
  static const auto checks = make_lifecycle_checks();
  return run_check(checks, "arc-subscription", s, context(p, {2026, 11, 25}, nullptr));
}

TEST_CASE(
    "arc-subscription without --arc-status: unknown, except a Windows Server cluster "
    "without Arc (the host's registration holds the subscription)") {
  ClusterState connected = healthy_azure_local();
  CHECK(subscription(connected, Platform::kAzureLocal)[0].status == CheckStatus::kUnknown);
  CHECK(subscription(connected, Platform::kWindowsServer)[0].status == CheckStatus::kUnknown);
  ClusterState no_arc = healthy_azure_local();
  no_arc.lists[resources::deployments("azure-arc")].items = json::array();
  auto r = subscription(no_arc, Platform::kWindowsServer);
  REQUIRE(r.size() == 1);
  CHECK(r[0].status == CheckStatus::kInfo);
  CHECK(r[0].remediation.find("Get-AksHciRegistration") != std::string::npos);
  CHECK(subscription(no_arc, Platform::kAzureLocal)[0].status == CheckStatus::kUnknown);
}

}  // namespace
}  // namespace aksarc
