#pragma once
// The expected AKS Arc system components, registries, owned workloads, human field managers, CNIs
// and third-party software signatures (data/aksarc-components.yaml), for the MGD-1 and SCOPE
// cluster checks. Every function here is thread-safe and never throws.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace aksarc {

enum class ComponentKind { kDeployment, kDaemonSet, kStaticPod };
std::string_view to_string(ComponentKind kind);

struct ExpectedComponent {
  std::string name;  // "coredns", "kube-apiserver"
  ComponentKind kind = ComponentKind::kDeployment;
  std::string match_name;         // exact object name, or ""
  std::string match_name_prefix;  // "kube-apiserver-" for static pods, or ""
  std::string match_label_key;    // "component", or ""
  std::string match_label_value;  // "kube-apiserver"
  bool required_azure_local = false;
  bool required_windows_server = false;
  std::string evidence;  // "confirmed", "inferred", "unconfirmed"
};

struct CniSignature {
  std::string name;  // "calico"
  bool supported = false;
  std::vector<std::string> daemonsets;  // name patterns ('*' = any run of characters)
};

struct ThirdPartySignature {
  std::string name;                     // "Istio"
  std::vector<std::string> namespaces;  // any workload there is this software
  std::vector<std::string> workloads;   // name patterns, in any namespace
};

struct AksArcComponents {
  std::string as_of;  // "2026-11-25"
  std::vector<ExpectedComponent> components;
  std::vector<std::string> expected_registries;  // "mcr.microsoft.com"
  std::vector<std::string> tolerated_images;     // image patterns outside those registries
  std::vector<std::string> owned_workloads;      // name patterns
  std::vector<std::string> managed_configmaps;   // name patterns
  std::vector<std::string> human_managers;       // exact managedFields manager names
  std::vector<CniSignature> cnis;
  std::vector<ThirdPartySignature> third_party;
  std::vector<std::string> microsoft_namespaces;
};

// Parses the YAML document (the shape of data/aksarc-components.yaml). Never throws; errors
// name what is wrong.
Result<AksArcComponents> parse_aksarc_components(std::string_view yaml);

// The embedded document, parsed once (thread-safe). Fails only if the build embedded a broken
// file.
Result<std::shared_ptr<const AksArcComponents>> load_embedded_aksarc_components();

// Glob match where '*' matches any run of characters (possibly empty); no other wildcards.
bool matches_pattern(std::string_view pattern, std::string_view text);
// True when `text` matches one of the patterns.
bool matches_any(const std::vector<std::string>& patterns, std::string_view text);

}  // namespace aksarc
