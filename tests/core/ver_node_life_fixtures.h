#pragma once
// Builders of ClusterState objects for the VER, NODE and LIFE check tests: a healthy AKS on Azure
// Local cluster, node and Deployment builders to break it, and a runner for one check.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/aksarc_versions.h"
#include "core/checks/check.h"
#include "core/cluster_state.h"
#include "core/policy_data.h"

namespace aksarc::testing::vnl {

inline const PolicyData& fixture_policy_data() {
  static const std::shared_ptr<const PolicyData> loaded = [] {
    auto r = load_embedded_policy_data();
    REQUIRE(r.ok());
    return r.value();
  }();
  return *loaded;
}

inline const AksArcVersions& embedded_versions() {
  static const std::shared_ptr<const AksArcVersions> loaded = [] {
    auto r = load_embedded_aksarc_versions();
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return r.value();
  }();
  return *loaded;
}

inline CheckContext context(Platform platform, CivilDate today = {2026, 11, 25},
                            const json* arc_status = nullptr) {
  return CheckContext{
      fixture_policy_data(), embedded_versions(), platform, false, today, arc_status};
}

// A node as the API returns it; `pool` "" leaves the node-pool label out.
inline json make_node(const std::string& name, const std::string& kubelet, bool control_plane,
                      const std::string& pool = "") {
  json labels = {{"kubernetes.io/hostname", name},
                 {"kubernetes.io/os", "linux"},
                 {"kubernetes.io/arch", "amd64"},
                 {"beta.kubernetes.io/os", "linux"},
                 {"beta.kubernetes.io/arch", "amd64"}};
  json spec = {{"providerID", "moc://" + name}};
  if (control_plane) {
    labels["node-role.kubernetes.io/control-plane"] = "";
    spec["taints"] =
        json::array({{{"key", "node-role.kubernetes.io/control-plane"}, {"effect", "NoSchedule"}}});
  }
  if (!pool.empty()) labels["msft.microsoft/nodepool-name"] = pool;
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"spec", spec},
          {"status",
           {{"nodeInfo",
             {{"kubeletVersion", kubelet},
              {"operatingSystem", "linux"},
              {"architecture", "amd64"},
              {"osImage", "CBL-Mariner/Linux"},
              {"kernelVersion", "5.15.173.1-2.cm2"}}}}}};
}

inline json make_deployment(const std::string& ns, const std::string& name, int replicas = 1,
                            int ready = 1) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"replicas", replicas}}},
          {"status", {{"readyReplicas", ready}}}};
}

inline const std::vector<std::string>& arc_agent_names() {
  static const std::vector<std::string> names = {
      "clusteridentityoperator",   "config-agent",        "controller-manager", "metrics-agent",
      "cluster-metadata-operator", "resource-sync-agent", "extension-manager"};
  return names;
}

// A healthy AKS on Azure Local cluster on Kubernetes v1.32.9 (shipped in 2602/2603).
inline ClusterState healthy_azure_local(const std::string& version = "v1.32.9") {
  ClusterState s;
  s.source = "test";
  s.version = json{{"major", "1"}, {"minor", "32"}, {"gitVersion", version}};
  json nodes = json::array({make_node("moc-lcp1a2b3c4d", version, true),
                            make_node("moc-lw1x2y3z4a5", version, false, "demo-abc123-pool1"),
                            make_node("moc-lw6q7r8s9t0", version, false, "demo-abc123-pool1")});
  s.lists[resources::nodes()].items = nodes;
  json arc = json::array();
  for (const auto& name : arc_agent_names()) arc.push_back(make_deployment("azure-arc", name));
  s.lists[resources::deployments("azure-arc")].items = arc;
  s.lists[resources::configmaps("azure-arc")].items = json::array(
      {{{"metadata", {{"name", "azure-clusterconfig"}, {"namespace", "azure-arc"}}},
        {"data", {{"CLUSTER_TYPE", "ProvisionedClusters"}, {"AZURE_RESOURCE_NAME", "demo"}}}}});
  s.lists[resources::deployments("kube-system")].items =
      json::array({make_deployment("kube-system", "coredns", 2, 2),
                   make_deployment("kube-system", "moc-cloud-controller-manager"),
                   make_deployment("kube-system", "csi-akshcicsi-controller")});
  s.lists[resources::daemonsets("")].items = json::array();
  return s;
}

inline json& node_at(ClusterState& s, size_t i) { return s.lists[resources::nodes()].items.at(i); }

// Runs the check `id` from `checks` and returns its results.
inline std::vector<CheckResult> run_check(const std::vector<std::unique_ptr<Check>>& checks,
                                          std::string_view id, const ClusterState& state,
                                          const CheckContext& ctx) {
  auto it =
      std::find_if(checks.begin(), checks.end(), [&](const auto& c) { return c->id() == id; });
  REQUIRE_MESSAGE(it != checks.end(), std::string(id));
  std::vector<CheckResult> out;
  (*it)->run(state, ctx, out);
  REQUIRE_FALSE(out.empty());
  for (const auto& r : out) CHECK(r.check_id == id);
  return out;
}

// The single worst status among results (fail > warn > unknown > info > pass > skipped).
inline CheckStatus worst(const std::vector<CheckResult>& results) {
  auto rank = [](CheckStatus s) {
    switch (s) {
      case CheckStatus::kFail:
        return 5;
      case CheckStatus::kWarn:
        return 4;
      case CheckStatus::kUnknown:
        return 3;
      case CheckStatus::kInfo:
        return 2;
      case CheckStatus::kPass:
        return 1;
      case CheckStatus::kSkipped:
        return 0;
    }
    return 0;
  };
  CheckStatus w = CheckStatus::kSkipped;
  for (const auto& r : results) {
    if (rank(r.status) > rank(w)) w = r.status;
  }
  return w;
}

inline bool has_evidence(const std::vector<CheckResult>& results, const std::string& name,
                         const std::string& field_part) {
  for (const auto& r : results) {
    for (const auto& e : r.evidence) {
      if (e.name == name && e.field.find(field_part) != std::string::npos) return true;
    }
  }
  return false;
}

// A NodeList file under tests/testdata/clusters/samples/, parsed.
inline json read_sample(const std::string& name) {
  std::ifstream in(std::string(AKSARC_TESTDATA_DIR) + "/clusters/samples/" + name);
  REQUIRE_MESSAGE(in.good(), name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  json j = json::parse(buffer.str(), nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

inline ClusterState state_from_samples(const std::string& nodes_file,
                                       const std::string& version_file = "") {
  ClusterState s;
  json nodes = read_sample(nodes_file);
  s.lists[resources::nodes()].items = nodes.contains("items") ? nodes.at("items") : json::array();
  if (!version_file.empty()) s.version = read_sample(version_file);
  return s;
}

}  // namespace aksarc::testing::vnl
