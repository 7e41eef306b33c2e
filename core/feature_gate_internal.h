#pragma once
// Pieces shared by the feature-gate extraction files (feature_gate_sources.cc for pod templates,
// feature_gate_configmaps.cc for kube-system ConfigMaps). Not part of the engine's interface.

#include <string>
#include <string_view>

#include "core/feature_gate_sources.h"

namespace aksarc::gate_internal {

// Caps on what one value or map yields: a real component sets a few dozen gates, and a hostile
// value must not turn a small request into a huge list of findings.
inline constexpr size_t kMaxEntries = 1000;
inline constexpr size_t kMaxProblems = 5;

// Untrusted text quoted into a problem sentence, cut so one bad value cannot flood a warning.
std::string shown(std::string_view s);

// Reads the kubelet-config (or kubelet-config-1.NN), kube-proxy and kubeadm-config ConfigMaps.
// May throw YAML::Exception while reading a parsed document; the caller catches it.
// The kube-system ConfigMaps read_kube_system_config_map reads (kubelet-config, kube-proxy,
// kubeadm-config).
bool is_component_config_map(std::string_view name);
void read_kube_system_config_map(const json& object, std::string_view name, FeatureSettings& out);

}  // namespace aksarc::gate_internal
