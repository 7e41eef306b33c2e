// NODE cluster checks (core/checks/nodes.cc) on built AKS Arc states and real node lists of
// kind, kubeadm and AKS (tests/testdata/clusters/samples/).
#include <doctest/doctest.h>

#include "core/checks/registry.h"
#include "ver_node_life_fixtures.h"

namespace aksarc {
namespace {

using namespace aksarc::testing::vnl;

const std::vector<std::unique_ptr<Check>>& family() {
  static const auto checks = make_node_checks();
  return checks;
}

std::vector<CheckResult> run_on(std::string_view id, const ClusterState& s,
                                Platform p = Platform::kAzureLocal) {
  return run_check(family(), id, s, context(p));
}

json privileged_daemonset(const std::string& ns, const std::string& name) {
  return {{"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec",
           {{"template",
             {{"spec",
               {{"hostPID", true},
                {"volumes", json::array({{{"name", "host-root"}, {"hostPath", {{"path", "/"}}}}})},
                {"containers", json::array({{{"name", "tuner"},
                                             {"image", "example.com/tuner:1"},
                                             {"securityContext", {{"privileged", true}}}}})}}}}}}}};
}

TEST_CASE("a healthy AKS Arc cluster passes the NODE-2 checks") {
  ClusterState s = healthy_azure_local();
  for (std::string_view id :
       {"node-system-labels", "node-role-taints", "nodepool-label", "privileged-daemonsets"}) {
    auto results = run_on(id, s);
    INFO(id << ": " << results.front().message);
    CHECK(results.size() == 1);
    CHECK(results.front().status == CheckStatus::kPass);
  }
}

TEST_CASE("node-system-labels: changed os/arch labels and hostname fail with evidence") {
  ClusterState s = healthy_azure_local();
  node_at(s, 1)["metadata"]["labels"]["kubernetes.io/os"] = "windows";
  node_at(s, 2)["metadata"]["labels"]["beta.kubernetes.io/arch"] = "arm64";
  node_at(s, 2)["metadata"]["labels"]["kubernetes.io/hostname"] = "renamed";
  node_at(s, 0)["metadata"]["labels"].erase("kubernetes.io/arch");
  auto results = run_on("node-system-labels", s);
  REQUIRE(results.size() == 2);
  CHECK(results[0].status == CheckStatus::kFail);
  CHECK(results[0].rule == "NODE-2");
  CHECK(results[0].evidence.size() == 3);
  CHECK(has_evidence(results, "moc-lw1x2y3z4a5", "metadata.labels[kubernetes.io/os]"));
  CHECK(has_evidence(results, "moc-lw6q7r8s9t0", "metadata.labels[beta.kubernetes.io/arch]"));
  CHECK(has_evidence(results, "moc-lcp1a2b3c4d", "metadata.labels[kubernetes.io/arch]"));
  CHECK(results[0].evidence[0].value.find("(status.nodeInfo.") != std::string::npos);
  CHECK(results[1].status == CheckStatus::kFail);
  REQUIRE(results[1].evidence.size() == 1);
  CHECK(results[1].evidence[0].value == "renamed");
  CHECK_FALSE(results[1].remediation.empty());
}

TEST_CASE("node-system-labels: real kind, kubeadm and AKS nodes are consistent") {
  for (const char* file :
       {"kind-1.20-nodes.json", "kubeadm-1.19-nodes.json", "aks-1.18-get-nodes.json"}) {
    INFO(file);
    auto results = run_on("node-system-labels", state_from_samples(file), Platform::kNotAksArc);
    REQUIRE(results.size() == 1);
    CHECK(results[0].status == CheckStatus::kPass);
  }
}

TEST_CASE("node-role-taints: removed role label fails, removed taint warns") {
  ClusterState s = healthy_azure_local();
  node_at(s, 0)["metadata"]["labels"].erase("node-role.kubernetes.io/control-plane");
  auto unlabelled = run_on("node-role-taints", s);
  REQUIRE(unlabelled.size() == 1);
  CHECK(unlabelled[0].status == CheckStatus::kFail);
  CHECK(unlabelled[0].evidence[0].name == "moc-lcp1a2b3c4d");
  CHECK(unlabelled[0].evidence[0].value == "(absent)");

  ClusterState t = healthy_azure_local();
  node_at(t, 0)["spec"].erase("taints");
  auto untainted = run_on("node-role-taints", t);
  REQUIRE(untainted.size() == 1);
  CHECK(untainted[0].status == CheckStatus::kWarn);
  CHECK(untainted[0].evidence[0].field == "spec.taints");
}

TEST_CASE("node-role-taints: real samples (1.20 master taint passes; untainted kubeadm warns)") {
  auto kind =
      run_on("node-role-taints", state_from_samples("kind-1.20-nodes.json"), Platform::kNotAksArc);
  CHECK(kind[0].status == CheckStatus::kPass);
  // kubeadm 1.19 single node: master label, taint removed so workloads can run there.
  auto kubeadm = run_on("node-role-taints", state_from_samples("kubeadm-1.19-nodes.json"),
                        Platform::kNotAksArc);
  REQUIRE(kubeadm.size() == 1);
  CHECK(kubeadm[0].status == CheckStatus::kWarn);
  CHECK(kubeadm[0].evidence[0].name == "my-node");
}

TEST_CASE("nodepool-label: missing on a worker fails on Azure Local, warns elsewhere") {
  ClusterState s = healthy_azure_local();
  node_at(s, 2)["metadata"]["labels"].erase("msft.microsoft/nodepool-name");
  auto local = run_on("nodepool-label", s);
  REQUIRE(local.size() == 1);
  CHECK(local[0].status == CheckStatus::kFail);
  CHECK(has_evidence(local, "moc-lw6q7r8s9t0", "msft.microsoft/nodepool-name"));
  CHECK(run_on("nodepool-label", s, Platform::kWindowsServer)[0].status == CheckStatus::kWarn);
  CHECK(run_on("nodepool-label", s, Platform::kNotAksArc)[0].status == CheckStatus::kSkipped);
  // The control-plane node has no pool label and is not judged.
  CHECK(run_on("nodepool-label", healthy_azure_local())[0].message.find("all 2 worker") !=
        std::string::npos);
}

TEST_CASE("privileged-daemonsets: user DaemonSets that can change nodes are info") {
  ClusterState s = healthy_azure_local();
  json& ds = s.lists[resources::daemonsets("")].items;
  ds.push_back(privileged_daemonset("kube-system", "kube-proxy"));  // system namespace: ignored
  ds.push_back(privileged_daemonset("security", "scanner"));
  ds.push_back({{"metadata", {{"name", "logs"}, {"namespace", "obs"}}},
                {"spec", {{"template", {{"spec", {{"hostNetwork", true}}}}}}}});
  auto results = run_on("privileged-daemonsets", s);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kInfo);
  CHECK(results[0].rule == "NODE-4");
  CHECK(results[0].message.find("DaemonSet security/scanner") != std::string::npos);
  CHECK(results[0].evidence.size() == 3);
  CHECK(has_evidence(results, "scanner", "hostPID"));
  CHECK(has_evidence(results, "scanner", "volumes[host-root].hostPath.path"));
  CHECK(has_evidence(results, "scanner", "containers[tuner].securityContext.privileged"));

  s.lists[resources::daemonsets("")].error = Error{ErrorCode::kForbidden, "forbidden"};
  CHECK(run_on("privileged-daemonsets", s)[0].status == CheckStatus::kUnknown);
}

TEST_CASE("node-os-image: no image calendar, so skipped with evidence; mixed pools warn") {
  ClusterState s = healthy_azure_local();
  auto same = run_on("node-os-image", s);
  REQUIRE(same.size() == 1);
  CHECK(same[0].status == CheckStatus::kSkipped);
  CHECK(same[0].evidence.size() == 3);
  CHECK(same[0].evidence[0].value.find("CBL-Mariner/Linux") != std::string::npos);
  node_at(s, 2)["status"]["nodeInfo"]["kernelVersion"] = "5.15.160.1-1.cm2";
  auto mixed = run_on("node-os-image", s);
  CHECK(mixed[0].status == CheckStatus::kWarn);
  CHECK(mixed[0].message.find("demo-abc123-pool1") != std::string::npos);
}

TEST_CASE("every NODE check describes itself and never returns nothing") {
  ClusterState empty;
  for (const auto& check : family()) {
    CHECK(check->rule().substr(0, 5) == "NODE-");
    CHECK_FALSE(check->title().empty());
    CHECK(check->explanation().size() > 80);
    CHECK_FALSE(check->needs().empty());
    auto results = run_check(family(), check->id(), empty, context(Platform::kUnknown));
    CHECK(results.front().status == CheckStatus::kUnknown);
  }
}

}  // namespace
}  // namespace aksarc
