#include "core/feature_gate_sources.h"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "test_support.h"

namespace aksarc {
namespace {

using testing::read_testdata;

using testing::to_json;

json yaml_fixture(const std::string& name) { return to_json(YAML::Load(read_testdata(name))); }

FeatureSettings extract(const json& object, std::string_view kind, std::string_view ns = "default",
                        std::string_view name = "x") {
  return extract_feature_settings(object, kind, ns, name);
}

json config_map(const std::string& key, const std::string& text) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"data", {{key, text}}}};
}

json pod_with(json container) {
  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"spec", {{"containers", {container}}}}};
}

const GateSetting* find_gate(const FeatureSettings& s, std::string_view gate) {
  for (const GateSetting& g : s.gates) {
    if (g.gate == gate) return &g;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("feature gate sources: parse_feature_gates_value") {
  std::vector<std::string> problems;
  auto gates = parse_feature_gates_value("A=true,B=false", "w", problems);
  REQUIRE(gates.size() == 2);
  CHECK(gates[0].gate == "A");
  CHECK(gates[0].enabled);
  CHECK(gates[0].where == "w");
  CHECK(gates[1].gate == "B");
  CHECK_FALSE(gates[1].enabled);
  CHECK(problems.empty());

  gates = parse_feature_gates_value(" A = True , ,B=FALSE,C=1,D=f ", "w", problems);
  REQUIRE(gates.size() == 4);
  CHECK(gates[0].enabled);  // case-insensitive True
  CHECK_FALSE(gates[1].enabled);
  CHECK(gates[2].enabled);  // Go's ParseBool accepts 1
  CHECK_FALSE(gates[3].enabled);
  CHECK(problems.empty());

  gates = parse_feature_gates_value("'A=true,B=true'", "w", problems);  // shell quoting
  CHECK(gates.size() == 2);

  gates = parse_feature_gates_value("A,B=yes,=true,C=,D=true", "w", problems);
  REQUIRE(gates.size() == 1);
  CHECK(gates[0].gate == "D");
  REQUIRE(problems.size() == 4);
  CHECK(problems[0] == "w: feature gate entry \"A\" is not NAME=true|false");
  CHECK(parse_feature_gates_value("", "w", problems).empty());
}

TEST_CASE("feature gate sources: parse_runtime_config_value") {
  std::vector<std::string> problems;
  auto rc = parse_runtime_config_value("resource.k8s.io/v1alpha3=true,api/alpha,api/all=false", "w",
                                       problems);
  REQUIRE(rc.size() == 3);
  CHECK(rc[0].key == "resource.k8s.io/v1alpha3");
  CHECK(rc[0].enabled);
  CHECK(rc[1].key == "api/alpha");
  CHECK(rc[1].enabled);  // a key with no value means true
  CHECK_FALSE(rc[2].enabled);
  CHECK(problems.empty());
  CHECK(parse_runtime_config_value("", "w", problems).empty());
  CHECK(parse_runtime_config_value("x=maybe", "w", problems).empty());
  CHECK(problems.size() == 1);
}

TEST_CASE("feature gate sources: real kubeadm 1.30 kube-apiserver static pod, 7 gates") {
  json pod = yaml_fixture("kubeadm-1.30-kube-apiserver-feature-gates.yaml");
  auto s = extract(pod, "Pod", "kube-system", "kube-apiserver");
  CHECK(s.problems.empty());
  REQUIRE(s.gates.size() == 7);
  for (const char* gate : {"ValidatingAdmissionPolicy", "ConsistentListFromCache", "WatchList",
                           "TranslateStreamCloseWebsocketRequests", "ContextualLogging",
                           "InformerResourceVersion", "StorageVersionMigrator"}) {
    const GateSetting* g = find_gate(s, gate);
    REQUIRE_MESSAGE(g != nullptr, gate);
    CHECK(g->enabled);
    CHECK(g->where == "spec.containers[kube-apiserver].command");
  }
  REQUIRE(s.runtime_config.size() == 1);
  CHECK(s.runtime_config[0].key == "api/all");
  CHECK(s.runtime_config[0].enabled);
}

TEST_CASE("feature gate sources: truncated static pod fragment (no name, no image)") {
  json pod = yaml_fixture("fragment-kube-apiserver-truncated-feature-gates.yaml");
  auto s = extract(pod, "Pod", "kube-system", "kube-apiserver");
  CHECK(s.problems.empty());
  REQUIRE(s.gates.size() == 1);
  CHECK(s.gates[0].gate == "RemoveSelfLink");
  CHECK_FALSE(s.gates[0].enabled);
  CHECK(s.gates[0].where == "spec.containers[0].command");  // the container has no name
}

TEST_CASE("feature gate sources: kind 1.25 kube-apiserver without gates, empty runtime-config") {
  json pod = yaml_fixture("kind-1.25-kube-apiserver-no-feature-gates.yaml");
  auto s = extract(pod, "Pod", "kube-system", "kube-apiserver");
  CHECK(s.gates.empty());
  CHECK(s.runtime_config.empty());
  CHECK(s.problems.empty());
}

TEST_CASE("feature gate sources: real kubeadm 1.19 kube-system ConfigMaps") {
  json list = json::parse(read_testdata("kubeadm-1.19-kube-system-configmaps.json"));
  size_t read = 0;
  for (json item : *array_member(list, "items")) {
    std::string name(string_member(*object_member(item, "metadata"), "name"));
    // As dumped: no gates anywhere, and every embedded YAML document reads cleanly.
    auto s = extract(item, "ConfigMap", "kube-system", name);
    CHECK_MESSAGE(s.gates.empty(), name);
    CHECK_MESSAGE(s.problems.empty(), name);
    // With a gate added to each known place, each place is found.
    std::string* text = nullptr;
    std::string where;
    if (name == "kubelet-config-1.19") {
      text = item["data"]["kubelet"].get_ptr<std::string*>();
      *text += "featureGates:\n  InPlacePodVerticalScaling: true\n";
      where = "data.kubelet featureGates";
    } else if (name == "kube-proxy") {
      text = item["data"]["config.conf"].get_ptr<std::string*>();
      if (text->back() != '\n') *text += '\n';  // this document has no final newline
      *text += "featureGates:\n  InPlacePodVerticalScaling: true\n";
      where = "data.config.conf featureGates";
    } else if (name == "kubeadm-config") {
      text = item["data"]["ClusterConfiguration"].get_ptr<std::string*>();
      const std::string anchor = "    authorization-mode: Node,RBAC\n";
      REQUIRE(text->find(anchor) != std::string::npos);
      text->insert(text->find(anchor) + anchor.size(),
                   "    feature-gates: InPlacePodVerticalScaling=true\n");
      where = "data.ClusterConfiguration apiServer.extraArgs feature-gates";
    } else {
      continue;
    }
    ++read;
    s = extract(item, "ConfigMap", "kube-system", name);
    CHECK_MESSAGE(s.problems.empty(), name);
    REQUIRE_MESSAGE(s.gates.size() == 1, name);
    CHECK(s.gates[0].gate == "InPlacePodVerticalScaling");
    CHECK(s.gates[0].enabled);
    CHECK(s.gates[0].where == where);
    // The same ConfigMap elsewhere than kube-system is not a component's configuration.
    CHECK(extract(item, "ConfigMap", "default", name).gates.empty());
  }
  CHECK(read == 3);
}

TEST_CASE("feature gate sources: real AKS KubeletConfiguration in the kubelet-config ConfigMap") {
  json cm = config_map("kubelet", read_testdata("aks-kubeletconfiguration-featuregates.json"));
  auto s = extract(cm, "ConfigMap", "kube-system", "kubelet-config");
  CHECK(s.problems.empty());
  REQUIRE(s.gates.size() == 3);
  CHECK(find_gate(s, "CustomCPUCFSQuotaPeriod")->enabled);
  CHECK_FALSE(find_gate(s, "DynamicKubeletConfig")->enabled);
  CHECK(find_gate(s, "RotateKubeletServerCertificate")->enabled);
  CHECK(find_gate(s, "CustomCPUCFSQuotaPeriod")->where == "data.kubelet featureGates");
  // Other ConfigMaps are not read.
  CHECK(extract(cm, "ConfigMap", "kube-system", "my-settings").gates.empty());
}

TEST_CASE("feature gate sources: real AKS kubelet flags, as args and inside sh -c") {
  std::string flags = read_testdata("aks-kubelet-flags.txt");
  while (!flags.empty() && (flags.back() == '\n' || flags.back() == '\r')) flags.pop_back();
  json args = json::array();
  std::istringstream words(flags);
  for (std::string w; words >> w;) args.push_back(w);

  auto s =
      extract(pod_with({{"name", "kubelet"}, {"command", {"kubelet"}}, {"args", args}}), "Pod");
  REQUIRE(s.gates.size() == 2);
  CHECK(s.gates[0].gate == "RotateKubeletServerCertificate");
  CHECK(s.gates[0].enabled);
  CHECK(s.gates[1].gate == "DynamicKubeletConfig");
  CHECK_FALSE(s.gates[1].enabled);
  CHECK(s.gates[0].where == "spec.containers[kubelet].args");

  // A helper container whose script starts the kubelet: found through the script.
  json script = {{"name", "node-setup"},
                 {"image", "busybox:1.36"},
                 {"command", {"/bin/sh", "-c", "set -e; exec /usr/local/bin/kubelet " + flags}}};
  s = extract(pod_with(script), "Pod");
  REQUIRE(s.gates.size() == 2);
  CHECK(s.gates[0].where == "spec.containers[node-setup].command");
  CHECK(s.problems.empty());
}

TEST_CASE("feature gate sources: sh -c string with a kube-proxy command line") {
  json c = {{"name", "kube-proxy"},
            {"image", "registry.k8s.io/kube-proxy:v1.30.3"},
            {"command", {"sh", "-c", "kube-proxy --feature-gates=A=true --v=2"}}};
  json ds = {{"kind", "DaemonSet"}, {"spec", {{"template", {{"spec", {{"containers", {c}}}}}}}}};
  auto s = extract(ds, "DaemonSet", "kube-system", "kube-proxy");
  REQUIRE(s.gates.size() == 1);
  CHECK(s.gates[0].gate == "A");
  CHECK(s.gates[0].enabled);
  CHECK(s.gates[0].where == "spec.template.spec.containers[kube-proxy].command");

  // A script that only mentions a component's directory does not make a container a component.
  json other = {
      {"name", "helper"},
      {"image", "busybox"},
      {"command", {"sh", "-c", "ls /var/lib/kubelet && csi-node --feature-gates=Topology=true"}}};
  CHECK(extract(pod_with(other), "Pod").gates.empty());
}

TEST_CASE("feature gate sources: --feature-gates with its value in the next argument") {
  json c = {{"name", "scheduler"},
            {"image", "registry.k8s.io/kube-scheduler:v1.30.3@sha256:0123abcd"},
            {"args",
             {"--v=2", "--feature-gates", "A=true,B=false", "--runtime-config", "api/alpha=true"}}};
  json deploy = {{"kind", "Deployment"},
                 {"spec", {{"template", {{"spec", {{"containers", {c}}}}}}}}};
  auto s = extract(deploy, "Deployment");
  REQUIRE(s.gates.size() == 2);
  CHECK(s.gates[0].where == "spec.template.spec.containers[scheduler].args");
  REQUIRE(s.runtime_config.size() == 1);
  CHECK(s.runtime_config[0].key == "api/alpha");
}

TEST_CASE("feature gate sources: CronJob template, init containers, hyperkube, old images") {
  json init = {{"name", "setup"},
               {"image", "k8s.gcr.io/hyperkube:v1.18.0"},
               {"command", {"/hyperkube", "kube-proxy", "--feature-gates=B=true"}}};
  json main = {{"name", "proxy"},
               {"image", "k8s.gcr.io/kube-proxy-amd64:v1.10.0"},
               {"command", {"/usr/local/bin/proxy", "--feature-gates=A=true"}}};
  json cron = {
      {"kind", "CronJob"},
      {"spec",
       {{"jobTemplate",
         {{"spec",
           {{"template", {{"spec", {{"initContainers", {init}}, {"containers", {main}}}}}}}}}}}}};
  auto s = extract(cron, "CronJob");
  REQUIRE(s.gates.size() == 2);
  CHECK(s.gates[0].gate == "B");
  CHECK(s.gates[0].where == "spec.jobTemplate.spec.template.spec.initContainers[setup].command");
  CHECK(s.gates[1].gate == "A");
  CHECK(s.gates[1].where == "spec.jobTemplate.spec.template.spec.containers[proxy].command");
}

TEST_CASE("feature gate sources: $(VAR) from the container's env is expanded") {
  json c = {{"name", "kube-apiserver"},
            {"command", {"kube-apiserver", "--feature-gates=$(GATES)"}},
            {"env", {{{"name", "GATES"}, {"value", "A=true"}}}}};
  auto s = extract(pod_with(c), "Pod");
  REQUIRE(s.gates.size() == 1);
  CHECK(s.gates[0].gate == "A");
  // A variable whose value is not in the object cannot be read: a problem, not silence.
  c["env"] = {{{"name", "GATES"}, {"valueFrom", {{"configMapKeyRef", {{"name", "g"}}}}}}};
  s = extract(pod_with(c), "Pod");
  CHECK(s.gates.empty());
  CHECK(s.problems.size() == 1);
  // Expansion is bounded: 4 KiB of "$(BIG)" over a 512 KiB value stays small.
  json args = json::array();
  for (int i = 0; i < 1000; ++i) args.push_back("$(BIG)");
  c = {{"name", "kube-apiserver"},
       {"args", args},
       {"env", {{{"name", "BIG"}, {"value", std::string(512 * 1024, 'x')}}}}};
  s = extract(pod_with(c), "Pod");
  CHECK(s.gates.empty());
  CHECK(s.problems.empty());
}

TEST_CASE("feature gate sources: a CSI sidecar's --feature-gates are not Kubernetes gates") {
  json c = {{"name", "csi-provisioner"},
            {"image", "mcr.microsoft.com/oss/kubernetes-csi/csi-provisioner:v3.5.0"},
            {"args", {"--feature-gates=Topology=true", "--v=2"}}};
  CHECK(extract(pod_with(c), "Pod").gates.empty());
}

TEST_CASE("feature gate sources: kubeadm v1beta4 list form and v1beta3 map form") {
  const std::string v1beta4 = R"(apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
featureGates:
  EtcdLearnerMode: true
apiServer:
  extraArgs:
  - name: feature-gates
    value: "A=true,B=false"
  - name: runtime-config
    value: "resource.k8s.io/v1alpha3=true"
controllerManager:
  extraArgs:
  - name: feature-gates
    value: C=true
  - name: runtime-config
    value: api/all=true
scheduler:
  extraArgs:
    feature-gates: D=True
)";
  auto s = extract(config_map("ClusterConfiguration", v1beta4), "ConfigMap", "kube-system",
                   "kubeadm-config");
  CHECK(s.problems.empty());
  REQUIRE(s.gates.size() == 4);  // kubeadm's own featureGates are not Kubernetes gates
  CHECK(s.gates[0].where == "data.ClusterConfiguration apiServer.extraArgs feature-gates");
  CHECK(s.gates[2].gate == "C");
  CHECK(s.gates[2].where == "data.ClusterConfiguration controllerManager.extraArgs feature-gates");
  CHECK(s.gates[3].gate == "D");
  CHECK(s.gates[3].enabled);
  // runtime-config is a kube-apiserver flag only.
  REQUIRE(s.runtime_config.size() == 1);
  CHECK(s.runtime_config[0].key == "resource.k8s.io/v1alpha3");
  CHECK(s.runtime_config[0].where ==
        "data.ClusterConfiguration apiServer.extraArgs runtime-config");
}

TEST_CASE("feature gate sources: unreadable embedded YAML is a problem, never a throw") {
  auto s = extract(config_map("kubelet", "featureGates: [unclosed\n  x: {"), "ConfigMap",
                   "kube-system", "kubelet-config");
  CHECK(s.gates.empty());
  REQUIRE(s.problems.size() == 1);
  CHECK(s.problems[0].find("data.kubelet is not valid YAML") == 0);

  s = extract(config_map("kubelet", "featureGates: [A, B]\n"), "ConfigMap", "kube-system",
              "kubelet-config");
  REQUIRE(s.problems.size() == 1);
  CHECK(s.problems[0] == "data.kubelet featureGates is not a map of gate names to true/false");

  s = extract(config_map("kubelet", "featureGates:\n  A: maybe\n  B: true\n"), "ConfigMap",
              "kube-system", "kubelet-config");
  CHECK(s.gates.size() == 1);
  CHECK(s.problems.size() == 1);

  s = extract(config_map("config.conf", "just a string"), "ConfigMap", "kube-system", "kube-proxy");
  CHECK(s.problems.size() == 1);
  s = extract(config_map("ClusterConfiguration", "apiServer: [\n"), "ConfigMap", "kube-system",
              "kubeadm-config");
  CHECK(s.problems.size() == 1);
}

TEST_CASE("feature gate sources: odd shapes yield nothing and do not throw") {
  for (const json& odd :
       {json(nullptr), json::array({1, 2}), json("x"), json::object(), json{{"spec", "x"}},
        json{{"spec", {{"containers", "x"}}}}, json{{"spec", {{"containers", {1, nullptr, "x"}}}}},
        json{{"data", {{"kubelet", 42}}}},
        pod_with({{"name", "kube-proxy"}, {"command", {1, true}}}),
        pod_with({{"name", "kube-proxy"}, {"args", {"--feature-gates"}}})}) {
    for (const char* kind : {"Pod", "Deployment", "CronJob", "ConfigMap", "Service", ""}) {
      auto s = extract_feature_settings(odd, kind, "kube-system", "kubelet-config");
      CHECK(s.gates.empty());
      CHECK(s.runtime_config.empty());
    }
  }
}

TEST_CASE("feature gate sources: one value yields at most 1000 entries and 6 problems") {
  std::vector<std::string> problems;
  std::string value;
  for (int i = 0; i < 3000; ++i) value += "G" + std::to_string(i) + "=true,";
  CHECK(parse_feature_gates_value(value, "w", problems).size() == 1000);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "w: more than 1000 entries; the rest were not read");

  problems.clear();
  CHECK(parse_feature_gates_value(std::string(20000, ','), "w", problems).empty());
  CHECK(problems.empty());
  CHECK(parse_feature_gates_value("a,b,c,d,e,f,g,h,i", "w", problems).empty());
  REQUIRE(problems.size() == 6);
  CHECK(problems[5] == "w: 4 more feature gate entries are not NAME=true|false");
}

}  // namespace aksarc

TEST_CASE("group_version_of splits runtime-config keys; api/ is the core group") {
  using aksarc::group_version_of;
  CHECK(group_version_of("resource.k8s.io/v1alpha3") ==
        std::pair<std::string_view, std::string_view>{"resource.k8s.io", "v1alpha3"});
  CHECK(group_version_of("api/v1") == std::pair<std::string_view, std::string_view>{"", "v1"});
  CHECK(group_version_of("batch/v2alpha1/cronjobs") ==
        std::pair<std::string_view, std::string_view>{"batch", "v2alpha1"});
  CHECK(group_version_of("alpha") == std::pair<std::string_view, std::string_view>{});
}
