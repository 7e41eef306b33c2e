#include "core/rules/preview_features.h"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "test_support.h"

namespace aksarc {
namespace {

const PolicyData& data() { return testing::embedded_data(); }

using testing::read_testdata;

using testing::to_json;

constexpr GroupVersionKind kConfigMap{"", "v1", "ConfigMap"};
constexpr GroupVersionResource kConfigMaps{"", "v1", "configmaps"};
constexpr GroupVersionKind kPod{"", "v1", "Pod"};
constexpr GroupVersionResource kPods{"", "v1", "pods"};

AdmissionRequest request(Operation op, GroupVersionKind kind, GroupVersionResource resource,
                         std::string_view ns, std::string_view name, const json* object,
                         const json* old_object = nullptr) {
  AdmissionRequest r;
  r.uid = "u-1";
  r.operation = op;
  r.kind = r.request_kind = kind;
  r.resource = r.request_resource = resource;
  r.namespace_ = ns;
  r.name = name;
  if (object != nullptr) r.object = RequestObject::from_document(*object);
  if (old_object != nullptr) r.old_object = RequestObject::from_document(*old_object);
  return r;
}

std::vector<Finding> judge(const AdmissionRequest& r, int minor = 30, bool known = true) {
  static const PolicyConfig config{};
  RuleContext ctx{config, data(), KubeVersion{1, minor, 0}, known};
  std::vector<Finding> out;
  make_preview_features_rule()->evaluate(r, ctx, out);
  for (const Finding& f : out) {
    CHECK(f.rule_id == "PREV-1");
    CHECK(f.message.rfind("PREV-1: ", 0) == 0);
    CHECK(f.summary.rfind("PREV-1: ", 0) == 0);
    CHECK_MESSAGE(f.summary.size() <= 120, f.summary);
  }
  return out;
}

json kubelet_config(const std::string& gates_yaml) {
  std::string text = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n";
  if (!gates_yaml.empty()) text += "featureGates:\n" + gates_yaml;
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "kubelet-config"}, {"namespace", "kube-system"}}},
          {"data", {{"kubelet", text}}}};
}

std::vector<Finding> judge_kubelet(const std::string& gates_yaml, int minor = 30,
                                   bool known = true) {
  json cm = kubelet_config(gates_yaml);
  return judge(
      request(Operation::kCreate, kConfigMap, kConfigMaps, "kube-system", "kubelet-config", &cm),
      minor, known);
}

size_t count(const std::vector<Finding>& findings, Severity severity) {
  size_t n = 0;
  for (const Finding& f : findings) n += f.severity == severity ? 1 : 0;
  return n;
}

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("PREV-1: id") { CHECK(make_preview_features_rule()->id() == "PREV-1"); }

TEST_CASE("PREV-1: alpha gate in the kubelet-config ConfigMap is a violation with its fix") {
  auto f = judge_kubelet("  InPlacePodVerticalScaling: true\n");
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kViolation);
  CHECK(has(f[0].message, "ConfigMap kube-system/kubelet-config"));
  CHECK(has(f[0].message, "data.kubelet featureGates"));
  CHECK(has(f[0].message, "InPlacePodVerticalScaling is alpha in Kubernetes 1.30"));
  CHECK(has(f[0].message, "remove InPlacePodVerticalScaling=true from data.kubelet featureGates"));
  CHECK_FALSE(has(f[0].message, "cluster version unknown"));
  CHECK(f[0].summary ==
        "PREV-1: alpha feature gate InPlacePodVerticalScaling=true in ConfigMap "
        "kube-system/kubelet-config");
}

TEST_CASE("PREV-1: the stage is judged at the cluster's minor") {
  CHECK(judge_kubelet("  InPlacePodVerticalScaling: true\n", 32).size() == 1);
  CHECK(judge_kubelet("  InPlacePodVerticalScaling: true\n", 33).empty());  // beta
  CHECK(judge_kubelet("  InPlacePodVerticalScaling: true\n", 35).empty());  // stable
  auto f = judge_kubelet("  InPlacePodVerticalScaling: true\n", 30, false);
  REQUIRE(f.size() == 1);
  CHECK(has(f[0].message, "(cluster version unknown; judged as of 1.30)"));
}

TEST_CASE("PREV-1: disabling, beta and stable gates pass; case-insensitive True counts") {
  CHECK(judge_kubelet("  InPlacePodVerticalScaling: false\n").empty());
  CHECK(judge_kubelet("  GracefulNodeShutdown: true\n").empty());   // beta since 1.21
  CHECK(judge_kubelet("  SidecarContainers: true\n", 33).empty());  // stable
  CHECK(count(judge_kubelet("  InPlacePodVerticalScaling: True\n"), Severity::kViolation) == 1);
}

TEST_CASE("PREV-1: AllAlpha=true is a violation, AllBeta=true is not") {
  auto f = judge_kubelet("  AllAlpha: true\n");
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kViolation);
  CHECK(has(f[0].message, "AllAlpha=true turns on every alpha feature gate"));
  CHECK(has(f[0].message, "remove AllAlpha=true from data.kubelet featureGates"));
  CHECK(judge_kubelet("  AllAlpha: false\n").empty());
  CHECK(judge_kubelet("  AllBeta: true\n").empty());
}

TEST_CASE("PREV-1: unknown, removed, deprecated and not-yet gates are notices") {
  auto f = judge_kubelet("  NoSuchGate: true\n");
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kNotice);
  CHECK(has(f[0].message, "unknown feature gate NoSuchGate (not in the Kubernetes 1.30 table)"));

  // A removed gate stops the component even when set to false (DynamicKubeletConfig, AKS).
  f = judge_kubelet("  DynamicKubeletConfig: false\n");
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kNotice);
  CHECK(has(f[0].message, "removed in Kubernetes 1.30 (last accepted in 1.25)"));
  CHECK(has(f[0].message, "the component will refuse to start"));

  f = judge_kubelet("  DisableNodeKubeProxyVersion: true\n", 33);
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kNotice);
  CHECK(has(f[0].message, "deprecated in Kubernetes 1.33"));

  f = judge_kubelet("  StorageVersionMigrator: true\n", 27);
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kNotice);
  CHECK(has(f[0].message, "does not exist yet in Kubernetes 1.27 (it first appears in 1.30)"));
}

TEST_CASE("PREV-1: UPDATE keeping an already enabled alpha gate is a notice") {
  json before = kubelet_config("  InPlacePodVerticalScaling: true\n");
  json after = kubelet_config("  InPlacePodVerticalScaling: true\n  GracefulNodeShutdown: true\n");
  auto f = judge(request(Operation::kUpdate, kConfigMap, kConfigMaps, "kube-system",
                         "kubelet-config", &after, &before));
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kNotice);
  CHECK(has(f[0].message, "already enabled before this change"));
  CHECK(has(f[0].message, "Remove InPlacePodVerticalScaling=true from data.kubelet featureGates"));

  json off_before = kubelet_config("  InPlacePodVerticalScaling: false\n");
  f = judge(request(Operation::kUpdate, kConfigMap, kConfigMaps, "kube-system", "kubelet-config",
                    &after, &off_before));
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kViolation);
}

TEST_CASE("PREV-1: DELETE, CONNECT and status writes are not judged") {
  json cm = kubelet_config("  InPlacePodVerticalScaling: true\n");
  CHECK(judge(request(Operation::kDelete, kConfigMap, kConfigMaps, "kube-system", "kubelet-config",
                      &cm, &cm))
            .empty());
  CHECK(judge(request(Operation::kConnect, kConfigMap, kConfigMaps, "kube-system", "kubelet-config",
                      &cm))
            .empty());
  json pod = {{"spec",
               {{"containers",
                 {{{"name", "kube-apiserver"},
                   {"command", {"kube-apiserver", "--feature-gates=WatchList=true"}}}}}}}};
  auto r = request(Operation::kUpdate, kPod, kPods, "kube-system", "kube-apiserver-n1", &pod, &pod);
  r.sub_resource = "status";
  CHECK(judge(r).empty());
  r.sub_resource = "";
  CHECK(count(judge(r), Severity::kNotice) == 1);  // already enabled
  CHECK(judge(r).size() == 1);
}

TEST_CASE("PREV-1: real kubeadm 1.30 kube-apiserver static pod") {
  json pod = to_json(YAML::Load(read_testdata("kubeadm-1.30-kube-apiserver-feature-gates.yaml")));
  auto r = request(Operation::kCreate, kPod, kPods, "kube-system", "", &pod);  // name from object
  // At 1.30: ConsistentListFromCache, WatchList, InformerResourceVersion, StorageVersionMigrator
  // are alpha; ContextualLogging and TranslateStreamCloseWebsocketRequests beta;
  // ValidatingAdmissionPolicy stable; --runtime-config=api/all=true turns on alpha APIs.
  auto f = judge(r, 30);
  CHECK(f.size() == 5);
  CHECK(count(f, Severity::kViolation) == 5);
  bool runtime = false;
  for (const Finding& x : f) {
    CHECK(has(x.message, "Pod kube-system/kube-apiserver"));
    CHECK(has(x.message, "spec.containers[kube-apiserver].command"));
    runtime |= has(x.message, "remove api/all=true from spec.containers[kube-apiserver].command");
  }
  CHECK(runtime);
  // At 1.33 ConsistentListFromCache and WatchList are beta, ValidatingAdmissionPolicy removed.
  f = judge(r, 33);
  CHECK(count(f, Severity::kViolation) == 3);
  CHECK(count(f, Severity::kNotice) == 1);
}

TEST_CASE("PREV-1: real AKS KubeletConfiguration: alpha CustomCPUCFSQuotaPeriod") {
  json cm = {{"metadata", {{"name", "kubelet-config"}}},
             {"data", {{"kubelet", read_testdata("aks-kubeletconfiguration-featuregates.json")}}}};
  auto f = judge(
      request(Operation::kCreate, kConfigMap, kConfigMaps, "kube-system", "kubelet-config", &cm));
  REQUIRE(f.size() == 2);
  CHECK(f[0].severity == Severity::kViolation);  // CustomCPUCFSQuotaPeriod: alpha since 1.12
  CHECK(has(f[0].summary, "CustomCPUCFSQuotaPeriod"));
  CHECK(f[1].severity == Severity::kNotice);  // DynamicKubeletConfig=false: removed
  // RotateKubeletServerCertificate is beta: nothing.
}

TEST_CASE("PREV-1: runtime-config enabling alpha APIs") {
  auto pod_with = [](const std::string& value) {
    return json{{"metadata", {{"name", "kube-apiserver"}}},
                {"spec",
                 {{"containers",
                   {{{"name", "kube-apiserver"},
                     {"command", {"kube-apiserver", "--runtime-config=" + value}}}}}}}};
  };
  auto run = [&](const std::string& value) {
    json pod = pod_with(value);
    return judge(request(Operation::kCreate, kPod, kPods, "kube-system", "kube-apiserver", &pod));
  };
  auto f = run("resource.k8s.io/v1alpha3=true");
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kViolation);
  CHECK(has(f[0].message, "resource.k8s.io/v1alpha3 is an alpha API of Kubernetes"));
  CHECK(count(run("api/alpha=true"), Severity::kViolation) == 1);
  CHECK(count(run("api/all"), Severity::kViolation) == 1);
  CHECK(run("api/all=false").empty());
  CHECK(run("resource.k8s.io/v1beta1=true,api/beta=true,api/v1=true").empty());
  CHECK(count(run("storage.k8s.io/v1alpha1/volumeattributesclasses=true"), Severity::kViolation) ==
        1);

  json before = pod_with("api/all=true");
  json after = pod_with("api/all=true");
  f = judge(
      request(Operation::kUpdate, kPod, kPods, "kube-system", "kube-apiserver", &after, &before));
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kNotice);
}

TEST_CASE("PREV-1: objects of alpha versions of built-in API groups") {
  json obj = {{"metadata", {{"name", "add-team-label"}}}};
  GroupVersionKind map_kind{"admissionregistration.k8s.io", "v1alpha1", "MutatingAdmissionPolicy"};
  GroupVersionResource map_res{"admissionregistration.k8s.io", "v1alpha1",
                               "mutatingadmissionpolicies"};
  auto f = judge(request(Operation::kCreate, map_kind, map_res, "", "add-team-label", &obj));
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kViolation);
  CHECK(has(f[0].message,
            "admissionregistration.k8s.io/v1alpha1 MutatingAdmissionPolicy is an alpha API of "
            "Kubernetes"));
  CHECK(has(f[0].message, "MutatingAdmissionPolicy add-team-label"));

  // Updating an alpha object that already exists: a notice (denying would block its cleanup).
  f = judge(request(Operation::kUpdate, map_kind, map_res, "", "add-team-label", &obj, &obj));
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kNotice);
  CHECK(judge(request(Operation::kDelete, map_kind, map_res, "", "add-team-label", nullptr, &obj))
            .empty());

  // The resource alone is enough (a request whose kind is missing).
  auto r = request(Operation::kCreate, {}, {"resource.k8s.io", "v1alpha3", "deviceclasses"}, "",
                   "gpu", &obj);
  CHECK(count(judge(r), Severity::kViolation) == 1);

  // Custom resources in alpha versions of their own groups, and GA kinds, are fine.
  CHECK(judge(request(Operation::kCreate, {"cluster.x-k8s.io", "v1alpha3", "Cluster"},
                      {"cluster.x-k8s.io", "v1alpha3", "clusters"}, "capi", "c1", &obj))
            .empty());
  CHECK(judge(request(Operation::kCreate, {"gateway.networking.k8s.io", "v1alpha2", "TCPRoute"},
                      {"gateway.networking.k8s.io", "v1alpha2", "tcproutes"}, "default", "r", &obj))
            .empty());
  CHECK(judge(request(Operation::kCreate, {"apps", "v1", "Deployment"},
                      {"apps", "v1", "deployments"}, "default", "web", &obj))
            .empty());

  // The client asked for a GA version; the API server converted it for the webhook: fine.
  r = request(Operation::kCreate, map_kind, map_res, "", "p", &obj);
  r.request_kind = {"admissionregistration.k8s.io", "v1", "MutatingAdmissionPolicy"};
  r.request_resource = {"admissionregistration.k8s.io", "v1", "mutatingadmissionpolicies"};
  CHECK(judge(r).empty());
}

TEST_CASE("PREV-1: workloads: kube-proxy DaemonSet shell flag, CSI sidecar ignored") {
  json proxy = {{"name", "kube-proxy"},
                {"image", "registry.k8s.io/kube-proxy:v1.30.3"},
                {"command", {"sh", "-c", "kube-proxy --feature-gates=WatchList=true --v=2"}}};
  json csi = {{"name", "csi-provisioner"},
              {"image", "mcr.microsoft.com/oss/kubernetes-csi/csi-provisioner:v3.5.0"},
              {"args", {"--feature-gates=Topology=true"}}};
  json ds = {{"metadata", {{"name", "kube-proxy"}}},
             {"spec", {{"template", {{"spec", {{"containers", {proxy, csi}}}}}}}}};
  auto f = judge(request(Operation::kCreate, {"apps", "v1", "DaemonSet"},
                         {"apps", "v1", "daemonsets"}, "kube-system", "kube-proxy", &ds));
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kViolation);
  CHECK(has(f[0].message, "DaemonSet kube-system/kube-proxy"));
  CHECK(has(f[0].message,
            "remove WatchList=true from spec.template.spec.containers[kube-proxy].command"));
}

TEST_CASE("PREV-1: unreadable configuration is a notice naming the field") {
  json cm = {{"data", {{"kubelet", "featureGates: [unclosed\n"}}}};
  auto f = judge(
      request(Operation::kCreate, kConfigMap, kConfigMaps, "kube-system", "kubelet-config", &cm));
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::kNotice);
  CHECK(has(f[0].message, "data.kubelet is not valid YAML"));
  CHECK(f[0].summary ==
        "PREV-1: could not read feature gates in ConfigMap kube-system/kubelet-config");
}

TEST_CASE("PREV-1: a flood of settings is capped, and a violation among them still counts") {
  std::string gates;
  for (int i = 0; i < 5000; ++i) gates += "Unknown" + std::to_string(i) + "=true,";
  gates += "WatchList=true,x,y,z,w,v,u,t";
  json pod = {{"spec",
               {{"containers",
                 {{{"name", "kube-apiserver"},
                   {"command", {"kube-apiserver", "--feature-gates=" + gates}}}}}}}};
  auto f = judge(request(Operation::kCreate, kPod, kPods, "kube-system", "kube-apiserver", &pod));
  REQUIRE(f.size() == 21);
  CHECK(f.back().severity == Severity::kNotice);  // WatchList is past the 1000-entry cap
  CHECK(has(f.back().message, "more PREV-1 findings not shown"));

  gates = "WatchList=true,";
  for (int i = 0; i < 30; ++i) gates += "Unknown" + std::to_string(i) + "=true,";
  gates += "ConsistentListFromCache=true";
  pod["spec"]["containers"][0]["command"][1] = "--feature-gates=" + gates;
  f = judge(request(Operation::kCreate, kPod, kPods, "kube-system", "kube-apiserver", &pod));
  REQUIRE(f.size() == 21);
  CHECK(f.front().severity == Severity::kViolation);
  CHECK(f.back().severity == Severity::kViolation);  // ConsistentListFromCache, held back
}

}  // namespace aksarc
