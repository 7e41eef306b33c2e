// PREV-1 cluster checks (core/checks/preview.cc).
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include "core/checks/registry.h"
#include "kube_system_fixtures.h"
#include "test_support.h"

namespace aksarc {
namespace {

using namespace aksarc::testing::kube_system;
using aksarc::testing::read_testdata;
using aksarc::testing::to_json;

const std::vector<std::unique_ptr<Check>>& family() {
  static const auto checks = make_preview_checks();
  return checks;
}

std::string values_of(const CheckResult& r) {
  std::string out;
  for (const Evidence& e : r.evidence) out += e.value + "\n";
  return out;
}

// The real kubeadm 1.30.3 kube-apiserver static pod, as the API server lists it.
ClusterState state_with_real_apiserver(const char* git_version) {
  ClusterState state = healthy_state();
  if (git_version != nullptr) {
    state.version = json{{"gitVersion", git_version}};
  } else {
    state.version.reset();
  }
  json apiserver =
      to_json(YAML::Load(read_testdata("kubeadm-1.30-kube-apiserver-feature-gates.yaml")));
  json& pods = state.lists[resources::pods("kube-system")].items;
  pods[1] = std::move(apiserver);  // replaces the healthy kube-apiserver
  return state;
}

TEST_CASE("control-plane-feature-gates: the real kubeadm 1.30 apiserver enables alpha features") {
  const Check& check = check_named(family(), "control-plane-feature-gates");
  auto results = run(check, state_with_real_apiserver("v1.30.3"));
  REQUIRE(count_status(results, CheckStatus::kFail) == 1);
  const CheckResult& fail = *first_with(results, CheckStatus::kFail);
  INFO(fail.message);
  CHECK(fail.message.find("kube-apiserver (Pod kube-system/kube-apiserver)") != std::string::npos);
  std::string values = values_of(fail);
  // Alpha at 1.30 (data/feature-gates.json): these four and runtime-config api/all.
  for (const char* gate : {"ConsistentListFromCache", "WatchList", "InformerResourceVersion",
                           "StorageVersionMigrator", "api/all=true"}) {
    CHECK_MESSAGE(values.find(gate) != std::string::npos, gate);
  }
  // GA or beta at 1.30: not failures.
  for (const char* gate : {"ValidatingAdmissionPolicy", "ContextualLogging",
                           "TranslateStreamCloseWebsocketRequests"}) {
    CHECK_MESSAGE(values.find(gate) == std::string::npos, gate);
  }
  CHECK(has_evidence(fail, "kube-apiserver", "kube-apiserver"));
  CHECK(count_status(results, CheckStatus::kPass) == 0);
}

TEST_CASE("control-plane-feature-gates: the version decides the stage") {
  const Check& check = check_named(family(), "control-plane-feature-gates");
  // At 1.31 ConsistentListFromCache is beta; InformerResourceVersion is still alpha.
  auto results = run(check, state_with_real_apiserver("v1.31.2"));
  std::string values = values_of(*first_with(results, CheckStatus::kFail));
  CHECK(values.find("ConsistentListFromCache") == std::string::npos);
  CHECK(values.find("InformerResourceVersion") != std::string::npos);
  // No /version (a cluster-info dump): the kube-apiserver image's tag gives the version.
  auto from_image = run(check, state_with_real_apiserver(nullptr));
  const CheckResult* image_fail = first_with(from_image, CheckStatus::kFail);
  REQUIRE(image_fail != nullptr);
  CHECK(image_fail->message.find("cluster version unknown") == std::string::npos);
  CHECK(values_of(*image_fail).find("alpha in 1.30") != std::string::npos);
  // Neither /version nor a tagged image: judged at the newest minor, and said so.
  ClusterState untagged = state_with_real_apiserver(nullptr);
  for (json& pod : untagged.lists[resources::pods("kube-system")].items) {
    if (pod["metadata"]["labels"].value("component", "") != "kube-apiserver") continue;
    for (json& c : pod["spec"]["containers"])
      c["image"] = "registry.k8s.io/kube-apiserver@sha256:0";
  }
  auto unknown = run(check, untagged);
  const CheckResult* fail = first_with(unknown, CheckStatus::kFail);
  REQUIRE(fail != nullptr);  // api/all=true is alpha at any version
  CHECK(fail->message.find("cluster version unknown") != std::string::npos);
}

TEST_CASE("control-plane-feature-gates: AllAlpha and clean control planes") {
  const Check& check = check_named(family(), "control-plane-feature-gates");
  ClusterState state = healthy_state();
  CHECK(run(check, state).front().status == CheckStatus::kPass);
  json& pods = state.lists[resources::pods("kube-system")].items;
  pods[2] = static_pod("kube-controller-manager", "Running",
                       {"kube-controller-manager", "--feature-gates=AllAlpha=true"});
  auto results = run(check, state);
  const CheckResult* fail = first_with(results, CheckStatus::kFail);
  REQUIRE(fail != nullptr);
  CHECK(values_of(*fail).find("AllAlpha=true") != std::string::npos);
  CHECK(fail->evidence.front().name == "kube-controller-manager-moc-node1");
}

TEST_CASE("control-plane-feature-gates: no readable pods is unknown") {
  const Check& check = check_named(family(), "control-plane-feature-gates");
  ClusterState state = healthy_state();
  forbid(state, resources::pods("kube-system"));
  auto results = run(check, state);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kUnknown);
  CHECK(results[0].remediation.find("permission") != std::string::npos);
  set_list(state, resources::pods("kube-system"), json::array());
  CHECK(run(check, state).front().status == CheckStatus::kUnknown);
}

TEST_CASE("kubelet-feature-gates: configz per node, else the kubelet-config ConfigMap") {
  const Check& check = check_named(family(), "kubelet-feature-gates");
  CHECK(check.needs_kubelet_configz());
  ClusterState state = healthy_state();
  // Neither configz nor a kubelet-config ConfigMap: unknown.
  CHECK(run(check, state).front().status == CheckStatus::kUnknown);

  state.lists[resources::configmaps("kube-system")].items.push_back(
      configmap("kube-system", "kubelet-config",
                {{"kubelet",
                  "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
                  "featureGates:\n  MemoryQoS: true\n"}}));
  auto from_cm = run(check, state);
  const CheckResult* fail = first_with(from_cm, CheckStatus::kFail);
  REQUIRE(fail != nullptr);
  CHECK(fail->message.find("ConfigMap kube-system/kubelet-config") != std::string::npos);
  CHECK(values_of(*fail).find("MemoryQoS") != std::string::npos);

  // configz wins over the ConfigMap when present.
  state.kubelet_configz["moc-node1"] =
      json{{"kubeletconfig", {{"featureGates", {{"RotateKubeletServerCertificate", true}}}}}};
  state.kubelet_configz["moc-node2"] =
      json{{"kubeletconfig", {{"featureGates", {{"InPlacePodVerticalScaling", true}}}}}};
  auto from_configz = run(check, state);
  REQUIRE(count_status(from_configz, CheckStatus::kFail) == 1);
  const CheckResult& node_fail = *first_with(from_configz, CheckStatus::kFail);
  CHECK(node_fail.message.find("node moc-node2") != std::string::npos);
  CHECK(has_evidence(node_fail, "moc-node2", "featureGates"));

  state.kubelet_configz.erase("moc-node2");
  CHECK(run(check, state).front().status == CheckStatus::kPass);
}

TEST_CASE("kubelet-feature-gates: configz refused, a clean or unreadable ConfigMap") {
  const Check& check = check_named(family(), "kubelet-feature-gates");
  ClusterState state = healthy_state();
  state.kubelet_configz_errors["moc-node1"] =
      Error{ErrorCode::kForbidden, "nodes/proxy is forbidden"};
  json& configmaps = state.lists[resources::configmaps("kube-system")].items;
  configmaps.push_back(configmap("kube-system", "kubelet-config",
                                 {{"kubelet",
                                   "kind: KubeletConfiguration\nfeatureGates:\n"
                                   "  RotateKubeletServerCertificate: true\n"}}));
  auto clean = run(check, state);
  REQUIRE(clean.size() == 1);
  CHECK(clean[0].status == CheckStatus::kPass);
  CHECK(clean[0].message.find("nodes/proxy is forbidden") != std::string::npos);

  configmaps.back()["data"]["kubelet"] = "featureGates: [unclosed";
  auto broken = run(check, state);
  const CheckResult* warn = first_with(broken, CheckStatus::kWarn);
  REQUIRE(warn != nullptr);
  CHECK(has_evidence(*warn, "kubelet-config", "feature gates"));
  CHECK(count_status(broken, CheckStatus::kPass) == 0);
}

TEST_CASE("kube-proxy-feature-gates: ConfigMap, DaemonSet and the Windows WinOverlay exception") {
  const Check& check = check_named(family(), "kube-proxy-feature-gates");
  ClusterState state = healthy_state();
  CHECK(run(check, state).front().status == CheckStatus::kPass);

  // Microsoft's Windows kube-proxy manifest: WinOverlay=true is allowed (info).
  json windows =
      daemonset("kube-system", "kube-proxy-windows", 1, 1, "",
                json::array({container("kube-proxy", "sigwindowstools/kube-proxy:v1.30.4",
                                       {"kube-proxy.exe", "--feature-gates=WinOverlay=true"})}));
  state.lists[resources::daemonsets("kube-system")].items.push_back(windows);
  auto with_windows = run(check, state, Platform::kWindowsServer);
  CHECK(count_status(with_windows, CheckStatus::kFail) == 0);
  const CheckResult* info = first_with(with_windows, CheckStatus::kInfo);
  REQUIRE(info != nullptr);
  CHECK(values_of(*info).find("WinOverlay") != std::string::npos);

  state.lists[resources::configmaps("kube-system")].items.push_back(
      configmap("kube-system", "kube-proxy",
                {{"config.conf",
                  "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n"
                  "kind: KubeProxyConfiguration\nfeatureGates:\n  AllAlpha: true\n"}}));
  auto with_all_alpha = run(check, state);
  const CheckResult* fail = first_with(with_all_alpha, CheckStatus::kFail);
  REQUIRE(fail != nullptr);
  CHECK(fail->message.find("ConfigMap kube-system/kube-proxy") != std::string::npos);
}

TEST_CASE("kube-proxy-feature-gates: a CSI sidecar's vendor gate is not judged") {
  const Check& check = check_named(family(), "kube-proxy-feature-gates");
  ClusterState state = healthy_state();
  json proxy = daemonset(
      "kube-system", "kube-proxy", 2, 2, "",
      json::array({container("kube-proxy", "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.4",
                             {"/usr/local/bin/kube-proxy", "--feature-gates=MemoryQoS=true"}),
                   container("csi-provisioner",
                             "mcr.microsoft.com/oss/kubernetes-csi/csi-provisioner:v2.2.2",
                             {"/csi-provisioner", "--feature-gates=Topology=true"})}));
  state.lists[resources::daemonsets("kube-system")].items[0] = proxy;
  auto results = run(check, state);
  const CheckResult* fail = first_with(results, CheckStatus::kFail);
  REQUIRE(fail != nullptr);
  std::string values = values_of(*fail);
  CHECK(values.find("MemoryQoS") != std::string::npos);
  CHECK(values.find("Topology") == std::string::npos);
}

TEST_CASE("alpha-apis-served: alpha versions of built-in groups fail, CRDs do not") {
  const Check& check = check_named(family(), "alpha-apis-served");
  CHECK(check.needs_discovery());
  ClusterState state = healthy_state();
  auto missing = run(check, state);
  CHECK(missing.front().status == CheckStatus::kUnknown);
  state.discovery_error = Error{ErrorCode::kForbidden, "discovery forbidden"};
  CHECK(run(check, state).front().message.find("discovery forbidden") != std::string::npos);

  state.served_group_versions =
      std::vector<std::string>{"v1", "apps/v1", "cluster.x-k8s.io/v1alpha3"};
  CHECK(run(check, state).front().status == CheckStatus::kPass);
  state.served_group_versions->push_back("resource.k8s.io/v1alpha2");
  auto results = run(check, state);
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == CheckStatus::kFail);
  CHECK(results[0].message.find("resource.k8s.io/v1alpha2") != std::string::npos);
  CHECK(results[0].message.find("cluster.x-k8s.io") == std::string::npos);
  REQUIRE(results[0].evidence.size() == 1);
  CHECK(results[0].evidence[0].name == "resource.k8s.io/v1alpha2");
}

TEST_CASE("every PREV-1 check describes itself") {
  for (const auto& check : family()) {
    CHECK(check->rule() == "PREV-1");
    CHECK_FALSE(check->title().empty());
    CHECK_FALSE(check->explanation().empty());
  }
}

}  // namespace
}  // namespace aksarc
