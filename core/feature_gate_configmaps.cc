// The kube-system ConfigMaps that configure Kubernetes components: their embedded YAML is where
// a `kubectl edit` can switch on a feature gate for every kubelet, kube-proxy or control plane.
#include <yaml-cpp/yaml.h>

#include <optional>

#include "core/feature_gate_internal.h"

namespace aksarc::gate_internal {
namespace {

constexpr std::string_view kFeatureGatesFlag = "feature-gates";
constexpr std::string_view kRuntimeConfigFlag = "runtime-config";

// The value of `key` in a YAML mapping, or a Null node. Iterating avoids yaml-cpp's operator[],
// which inserts into non-const nodes and returns nodes that throw on use when the key is missing.
YAML::Node child(const YAML::Node& node, std::string_view key) {
  if (!node.IsMap()) return YAML::Node();
  for (const auto& entry : node) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.second;
  }
  return YAML::Node();
}

// Parses embedded YAML; a syntax error becomes a problem sentence naming `where`.
std::optional<YAML::Node> load_yaml(std::string_view text, const std::string& where,
                                    std::vector<std::string>& problems) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string at = e.mark.is_null() ? std::string()
                                      : " at line " + std::to_string(e.mark.line + 1) +
                                            ", column " + std::to_string(e.mark.column + 1);
    problems.push_back(where + " is not valid YAML" + at + " (" + e.msg + ")");
    return std::nullopt;
  }
}

// A config file's `featureGates: {Name: bool}` (KubeletConfiguration, KubeProxyConfiguration).
void read_feature_gate_map(const YAML::Node& doc, const std::string& where, FeatureSettings& out) {
  const YAML::Node gates = child(doc, "featureGates");
  if (gates.IsNull()) return;
  if (!gates.IsMap()) {
    out.problems.push_back(where + " is not a map of gate names to true/false");
    return;
  }
  size_t read = 0, bad = 0;
  for (const auto& entry : gates) {
    if (++read > kMaxEntries) break;
    bool enabled = false;
    if (!entry.first.IsScalar() || !YAML::convert<bool>::decode(entry.second, enabled)) {
      std::string name = entry.first.IsScalar() ? entry.first.Scalar() : "?";
      if (++bad <= kMaxProblems) {
        out.problems.push_back(where + ": " + shown(name) + " is not set to true or false");
      }
      continue;
    }
    out.gates.push_back({entry.first.Scalar(), enabled, where});
  }
}

void read_component_config(const json& data, std::string_view key, FeatureSettings& out) {
  std::string_view text = string_member(data, key);
  const std::string where = "data." + std::string(key);
  auto doc = load_yaml(text, where, out.problems);
  if (!doc || doc->IsNull()) return;
  if (!doc->IsMap()) {
    out.problems.push_back(where + " is not a YAML mapping (a component configuration)");
    return;
  }
  read_feature_gate_map(*doc, where + " featureGates", out);
}

// One kubeadm extraArgs argument, from v1beta3's map or v1beta4's [{name, value}] list.
void read_extra_arg(std::string_view name, const std::string& value, const std::string& where,
                    bool api_server, FeatureSettings& out) {
  if (name == kFeatureGatesFlag) {
    for (auto& s : parse_feature_gates_value(value, where, out.problems)) out.gates.push_back(s);
  } else if (api_server && name == kRuntimeConfigFlag) {
    for (auto& s : parse_runtime_config_value(value, where, out.problems)) {
      out.runtime_config.push_back(s);
    }
  }
}

void read_extra_args(const YAML::Node& args, const std::string& base, bool api_server,
                     FeatureSettings& out) {
  if (args.IsMap()) {
    for (const auto& entry : args) {
      if (!entry.first.IsScalar() || !entry.second.IsScalar()) continue;
      std::string name = entry.first.Scalar();
      read_extra_arg(name, entry.second.Scalar(), base + " " + name, api_server, out);
    }
  } else if (args.IsSequence()) {
    for (const auto& entry : args) {
      const YAML::Node name = child(entry, "name");
      const YAML::Node value = child(entry, "value");
      if (!name.IsScalar() || !value.IsScalar()) continue;
      read_extra_arg(name.Scalar(), value.Scalar(), base + " " + name.Scalar(), api_server, out);
    }
  }
}

// kubeadm's ClusterConfiguration. Its own top-level `featureGates` are kubeadm's gates (e.g.
// EtcdLearnerMode), not Kubernetes', and are not read.
void read_kubeadm_config(const json& data, FeatureSettings& out) {
  auto doc = load_yaml(string_member(data, "ClusterConfiguration"), "data.ClusterConfiguration",
                       out.problems);
  if (!doc || !doc->IsMap()) return;
  for (const char* component : {"apiServer", "controllerManager", "scheduler"}) {
    const YAML::Node args = child(child(*doc, component), "extraArgs");
    const std::string base = "data.ClusterConfiguration " + std::string(component) + ".extraArgs";
    read_extra_args(args, base, std::string_view(component) == "apiServer", out);
  }
}

}  // namespace

bool is_component_config_map(std::string_view name) {
  // kubeadm before 1.24 named it kubelet-config-1.NN.
  return name == "kubelet-config" || name.substr(0, 17) == "kubelet-config-1." ||
         name == "kube-proxy" || name == "kubeadm-config";
}

void read_kube_system_config_map(const json& object, std::string_view name, FeatureSettings& out) {
  const json* data = object_member(object, "data");
  if (data == nullptr) return;
  // kubeadm before 1.24 named it kubelet-config-1.NN.
  if (name == "kubelet-config" || name.substr(0, 17) == "kubelet-config-1.") {
    read_component_config(*data, "kubelet", out);
  } else if (name == "kube-proxy") {
    read_component_config(*data, "config.conf", out);
  } else if (name == "kubeadm-config") {
    read_kubeadm_config(*data, out);
  }
}

}  // namespace aksarc::gate_internal
