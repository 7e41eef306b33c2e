// MGD-1 cluster checks (core/checks/components.cc) and the component data they read.
#include <doctest/doctest.h>

#include "core/aksarc_components.h"
#include "core/checks/object_fields.h"
#include "core/checks/registry.h"
#include "kube_system_fixtures.h"

namespace aksarc {
namespace {

using namespace aksarc::testing::kube_system;

const std::vector<std::unique_ptr<Check>>& family() {
  static const auto checks = make_component_checks();
  return checks;
}

TEST_CASE("embedded aksarc-components data loads and names the confirmed components") {
  auto loaded = load_embedded_aksarc_components();
  REQUIRE(loaded.ok());
  const AksArcComponents& data = *loaded.value();
  CHECK_FALSE(data.as_of.empty());
  bool coredns = false, apiserver_static = false;
  for (const ExpectedComponent& c : data.components) {
    coredns |= c.name == "coredns" && c.kind == ComponentKind::kDeployment &&
               c.required_azure_local && c.required_windows_server;
    apiserver_static |= c.name == "kube-apiserver" && c.kind == ComponentKind::kStaticPod;
  }
  CHECK(coredns);
  CHECK(apiserver_static);
  CHECK(matches_any(data.human_managers, "kubectl-edit"));
  CHECK_FALSE(matches_any(data.human_managers, "kubectl-rollout"));
  CHECK_FALSE(matches_any(data.managed_configmaps, "coredns-custom"));
}

TEST_CASE("aksarc-components parse errors are values") {
  CHECK_FALSE(parse_aksarc_components("components: [").ok());
  CHECK_FALSE(parse_aksarc_components("- a list").ok());
  auto bad_kind = parse_aksarc_components(
      "components:\n  - {name: x, kind: StatefulSet, match: {name: x}}\nexpectedRegistries: [a]\n");
  REQUIRE_FALSE(bad_kind.ok());
  CHECK(bad_kind.error().message.find("StatefulSet") != std::string::npos);
}

TEST_CASE("name patterns") {
  CHECK(matches_pattern("csi-akshcicsi-*", "csi-akshcicsi-node"));
  CHECK(matches_pattern("ama-*-node", "ama-metrics-node"));
  CHECK_FALSE(matches_pattern("coredns", "coredns-autoscaler"));
  CHECK(matches_pattern("*", ""));
  CHECK_FALSE(matches_pattern("kube-flannel*", "flannel"));
}

TEST_CASE("a healthy AKS Arc kube-system passes every MGD-1 check") {
  ClusterState state = healthy_state();
  for (const auto& check : family()) {
    auto results = run(*check, state);
    INFO(check->id() << ": " << results.front().message);
    CHECK(results.size() == 1);
    CHECK(results.front().status == CheckStatus::kPass);
  }
}

TEST_CASE("kube-system-components: missing is fail, not ready is warn") {
  const Check& check = check_named(family(), "kube-system-components");
  ClusterState state = healthy_state();
  json& deployments = state.lists[resources::deployments("kube-system")].items;
  deployments.erase(deployments.begin());  // coredns
  json& daemonsets = state.lists[resources::daemonsets("kube-system")].items;
  daemonsets[1]["status"]["numberReady"] = 1;  // csi-akshcicsi-node 1/2
  json& pods = state.lists[resources::pods("kube-system")].items;
  pods[3]["status"]["phase"] = "Pending";  // kube-scheduler

  auto results = run(check, state);
  const CheckResult* fail = first_with(results, CheckStatus::kFail);
  REQUIRE(fail != nullptr);
  CHECK(fail->message.find("coredns") != std::string::npos);
  CHECK(has_evidence(*fail, "coredns", "metadata.name"));
  const CheckResult* warn = first_with(results, CheckStatus::kWarn);
  REQUIRE(warn != nullptr);
  CHECK(has_evidence(*warn, "csi-akshcicsi-node", "status.numberReady"));
  CHECK(has_evidence(*warn, "kube-scheduler-moc-node1", "status.phase"));
  CHECK(count_status(results, CheckStatus::kPass) == 0);
}

TEST_CASE("kube-system-components: platform decides what is required") {
  const Check& check = check_named(family(), "kube-system-components");
  ClusterState state = healthy_state();
  CHECK(run(check, state, Platform::kNotAksArc).front().status == CheckStatus::kSkipped);
  auto unknown_platform = run(check, state, Platform::kUnknown);
  CHECK(unknown_platform.front().status == CheckStatus::kPass);
  CHECK(unknown_platform.front().message.find("platform unknown") != std::string::npos);
}

TEST_CASE("kube-system-manual-edits: a person's kubectl-edit on coredns fails") {
  const Check& check = check_named(family(), "kube-system-manual-edits");
  ClusterState state = healthy_state();
  add_manager(state.lists[resources::deployments("kube-system")].items, "coredns",
              manager("kubectl-edit", "Update", "2026-11-24T08:15:00Z"));
  auto results = run(check, state);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kFail);
  CHECK(results[0].message.find("Deployment kube-system/coredns") != std::string::npos);
  CHECK(results[0].message.find("kubectl-edit at 2026-11-24T08:15:00Z") != std::string::npos);
  CHECK(has_evidence(results[0], "coredns", "metadata.managedFields[manager=kubectl-edit]"));
  CHECK_FALSE(results[0].remediation.empty());
}

TEST_CASE("kube-system-manual-edits: server-side apply by kubectl and managed ConfigMaps") {
  const Check& check = check_named(family(), "kube-system-manual-edits");
  ClusterState state = healthy_state();
  json& configmaps = state.lists[resources::configmaps("kube-system")].items;
  add_manager(configmaps, "coredns", manager("kubectl", "Apply"));
  // coredns-custom is the documented place for changes: never judged.
  add_manager(configmaps, "coredns-custom", manager("kubectl-edit", "Update"));
  auto results = run(check, state);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kFail);
  CHECK(has_evidence(results[0], "coredns", "manager=kubectl]"));
  CHECK_FALSE(has_evidence(results[0], "coredns-custom", "managedFields"));
}

TEST_CASE("kube-system-manual-edits: rollout restart and foreign objects are not edits") {
  const Check& check = check_named(family(), "kube-system-manual-edits");
  ClusterState state = healthy_state();
  json& deployments = state.lists[resources::deployments("kube-system")].items;
  add_manager(deployments, "coredns", manager("kubectl-rollout", "Update"));
  deployments.push_back(deployment("kube-system", "my-app", 1, 1));
  add_manager(deployments, "my-app", manager("kubectl-edit", "Update"));
  CHECK(run(check, state).front().status == CheckStatus::kPass);
}

TEST_CASE("kube-system-manual-edits: kubectl at creation is the installer, later is a person") {
  const Check& check = check_named(family(), "kube-system-manual-edits");
  ClusterState state = healthy_state();
  json& daemonsets = state.lists[resources::daemonsets("kube-system")].items;
  daemonsets[2]["metadata"]["creationTimestamp"] = "2026-11-01T09:00:00Z";  // calico-node
  add_manager(daemonsets, "calico-node",
              manager("kubectl-client-side-apply", "Update", "2026-11-01T09:00:41Z"));
  CHECK(run(check, state).front().status == CheckStatus::kPass);
  daemonsets[2]["metadata"]["managedFields"].back()["time"] = "2026-11-03T14:30:00Z";
  auto later = run(check, state);
  REQUIRE(later.size() == 1);
  CHECK(later[0].status == CheckStatus::kFail);
  CHECK(later[0].message.find("DaemonSet kube-system/calico-node") != std::string::npos);
  CHECK(later[0].message.find("kubectl-client-side-apply at 2026-11-03T14:30:00Z") !=
        std::string::npos);
}

TEST_CASE("epoch_seconds reads the API server's timestamps") {
  CHECK(checks::epoch_seconds("1970-01-02T00:00:01Z") == 86401);
  CHECK(checks::epoch_seconds("2026-11-01T09:00:41.123456Z") ==
        *checks::epoch_seconds("2026-11-01T09:00:00Z") + 41);
  CHECK_FALSE(checks::epoch_seconds("2026-11-01").has_value());
  CHECK_FALSE(checks::epoch_seconds("2026-11-01T9:00:00Z").has_value());
}

TEST_CASE("kube-system-manual-edits: data without managedFields is unknown, not pass") {
  const Check& check = check_named(family(), "kube-system-manual-edits");
  ClusterState state = healthy_state();
  for (auto& [key, list] : state.lists) {
    for (json& o : list.items) o["metadata"].erase("managedFields");
  }
  auto results = run(check, state);
  CHECK(results.front().status == CheckStatus::kUnknown);
  CHECK(results.front().message.find("managedFields") != std::string::npos);
}

TEST_CASE("kube-system-images: an image from an unexpected registry warns with evidence") {
  const Check& check = check_named(family(), "kube-system-images");
  ClusterState state = healthy_state();
  json& pods = state.lists[resources::pods("kube-system")].items;
  pods.push_back(pod("kube-system", "coredns-7489c675f5-qbfjn", "registry.k8s.io/coredns:v1.11"));
  pods.push_back(pod("kube-system", "debug", "busybox"));
  // Microsoft's Windows kube-proxy manifest pulls from Docker Hub: tolerated.
  pods.push_back(pod("kube-system", "kube-proxy-windows-x7k2p", "kubeproxywin/kube-proxy:v1.30.4"));
  auto results = run(check, state);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kWarn);
  CHECK(results[0].message.find("registry.k8s.io") != std::string::npos);
  CHECK(results[0].message.find("docker.io") != std::string::npos);
  REQUIRE(results[0].evidence.size() == 2);
  CHECK(results[0].evidence[0].name == "coredns-7489c675f5-qbfjn");
  CHECK(results[0].evidence[0].field == "spec.containers[coredns-7489c675f5-qbfjn].image");
  CHECK(results[0].evidence[0].value == "registry.k8s.io/coredns:v1.11");
}

TEST_CASE("kube-system-foreign-workloads: a deployment AKS Arc did not create warns") {
  const Check& check = check_named(family(), "kube-system-foreign-workloads");
  ClusterState state = healthy_state();
  state.lists[resources::deployments("kube-system")].items.push_back(deployment(
      "kube-system", "nginx-ingress", 1, 1, "nginx", {{"app.kubernetes.io/managed-by", "Helm"}}));
  state.lists[resources::daemonsets("kube-system")].items.push_back(
      daemonset("kube-system", "ama-metrics-node", 2, 2));  // Azure Monitor: Microsoft's
  auto results = run(check, state);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kWarn);
  CHECK(results[0].message.find("Deployment nginx-ingress") != std::string::npos);
  REQUIRE(results[0].evidence.size() == 1);
  CHECK(results[0].evidence[0].value.find("managed by Helm") != std::string::npos);
}

TEST_CASE("a 403 on one list makes only the checks that need it unknown") {
  ClusterState state = healthy_state();
  forbid(state, resources::pods("kube-system"));
  auto components = run(check_named(family(), "kube-system-components"), state);
  REQUIRE(components.size() == 1);
  CHECK(components[0].status == CheckStatus::kUnknown);
  CHECK(components[0].message.find("pods in kube-system") != std::string::npos);
  CHECK(run(check_named(family(), "kube-system-images"), state).front().status ==
        CheckStatus::kUnknown);
  CHECK(run(check_named(family(), "kube-system-foreign-workloads"), state).front().status ==
        CheckStatus::kPass);
  // Never collected is unknown too.
  state.lists.erase(resources::pods("kube-system"));
  CHECK(run(check_named(family(), "kube-system-images"), state).front().status ==
        CheckStatus::kUnknown);
}

TEST_CASE("every MGD-1 check describes itself") {
  for (const auto& check : family()) {
    CHECK(check->rule() == "MGD-1");
    CHECK_FALSE(check->title().empty());
    CHECK_FALSE(check->explanation().empty());
    CHECK_FALSE(check->needs().empty());
  }
}

}  // namespace
}  // namespace aksarc
