#pragma once
// Where a write can switch on a preview feature, and what it switches on. Shared by the webhook
// (PREV-1 on one object) and, later, the plugin (PREV-1 on a whole cluster).
//
// Places read:
//  - ConfigMap kubelet-config (and kubeadm's older kubelet-config-1.NN) in kube-system: data key
//    `kubelet`, a KubeletConfiguration with `featureGates: {Name: bool}`;
//  - ConfigMap kube-proxy in kube-system: data key `config.conf`, a KubeProxyConfiguration with
//    `featureGates`;
//  - ConfigMap kubeadm-config in kube-system: data key `ClusterConfiguration`: apiServer,
//    controllerManager and scheduler `extraArgs` `feature-gates` (and apiServer `runtime-config`),
//    in kubeadm v1beta3's map form and v1beta4's list form ([{name, value}]);
//  - the command and args of containers that run Kubernetes components (kube-apiserver,
//    kube-controller-manager, kube-scheduler, kube-proxy, kubelet; recognised by container name,
//    command basename or image name) in Pods and the pod templates of Deployments, DaemonSets,
//    StatefulSets, ReplicaSets, ReplicationControllers, Jobs and CronJobs:
//    `--feature-gates=A=true,B=false` or `--feature-gates A=true`, and `--runtime-config=`.
// Gates of other programs (e.g. a CSI sidecar's --feature-gates=Topology=true) are not judged.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json_access.h"

namespace aksarc {

struct GateSetting {
  std::string gate;  // e.g. "InPlacePodVerticalScaling", or "AllAlpha"
  bool enabled = false;
  std::string where;  // field path a person can find, e.g.
                      // "data.kubelet featureGates" or "spec.containers[kube-apiserver].command"
};

struct RuntimeConfigSetting {
  std::string key;  // "resource.k8s.io/v1alpha3", "api/alpha", "api/all"
  bool enabled = false;
  std::string where;
};

struct FeatureSettings {
  std::vector<GateSetting> gates;
  std::vector<RuntimeConfigSetting> runtime_config;
  // Places that should hold settings but could not be read (e.g. invalid embedded YAML), each a
  // sentence naming the field. Not settings, but worth a warning.
  std::vector<std::string> problems;
};

// Where a kind keeps its pod spec ("spec" for Pods, "spec.template.spec" for Deployments ...);
// nullopt for kinds without one.
std::optional<std::string_view> pod_spec_path(std::string_view kind);

// The container lists of a pod spec, and the only fields of a container that
// extract_feature_settings reads: an object reduced to these gives the same settings.
inline constexpr std::string_view kContainerLists[] = {"initContainers", "containers",
                                                       "ephemeralContainers"};
inline constexpr std::string_view kContainerFieldsRead[] = {"name", "image", "command", "args",
                                                            "env"};

// False when extract_feature_settings would find nothing in any object of this kind and name,
// so the caller need not parse the object at all.
bool may_carry_feature_settings(std::string_view kind, std::string_view namespace_,
                                std::string_view name);

// Extracts the settings an object carries. `kind` is the object's kind ("ConfigMap", "Pod",
// "Deployment", ...), `namespace_` and `name` its coordinates (ConfigMaps are recognised by name
// in kube-system only). Never throws; unrecognised objects yield nothing.
FeatureSettings extract_feature_settings(const json& object, std::string_view kind,
                                         std::string_view namespace_, std::string_view name);

// The settings with repeats collapsed: the last setting of a gate in one place wins, as the
// components read repeated gates. Order of first appearance is kept.
std::vector<GateSetting> effective_gate_settings(const std::vector<GateSetting>& settings);

// Parses a --feature-gates value "A=true,B=false". Values are read like Go's strconv.ParseBool
// but case-insensitively (true/t/1, false/f/0); surrounding spaces and quotes are ignored, empty
// entries skipped. Entries that are not NAME=BOOL are reported in `problems` and skipped.
std::vector<GateSetting> parse_feature_gates_value(std::string_view value, std::string_view where,
                                                   std::vector<std::string>& problems);

// Parses a --runtime-config value "resource.k8s.io/v1alpha3=true,api/alpha". A key with no value
// means true (as kube-apiserver reads it); a value that is not a boolean is reported in
// `problems` and the entry skipped.
std::vector<RuntimeConfigSetting> parse_runtime_config_value(std::string_view value,
                                                             std::string_view where,
                                                             std::vector<std::string>& problems);

// The group and version of a runtime-config key "group/version[/resource]" ("api/v1" is the
// core group: group ""); {"", ""} when the key has no "/" ("api/all", "api/alpha" do).
std::pair<std::string_view, std::string_view> group_version_of(std::string_view key);

}  // namespace aksarc
