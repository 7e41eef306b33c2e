#include "core/platform.h"

#include <algorithm>
#include <cctype>

#include "core/checks/object_fields.h"

namespace aksarc {
namespace {

using checks::name_of;
using checks::namespace_of;

constexpr std::string_view kArcNs = "azure-arc";
constexpr std::string_view kKubeSystem = "kube-system";
// Object-name prefixes of components only AKS Arc puts in kube-system (aksarc-facts.md section 3).
constexpr std::string_view kAksArcComponents[] = {"csi-akshcicsi-", "moc-cloud-controller-manager",
                                                  "akshci-telemetry"};

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct Signs {
  std::vector<std::string> signals;
  bool aks_arc = false;
  bool azure_local = false;
  bool windows_server = false;
  bool arc_seen = false;
};

// Counts nodes showing each AKS Arc sign, and notes kubelet versions of the AksHci packaging.
void read_nodes(const json& nodes, Signs& e) {
  size_t moc_names = 0, moc_provider = 0, msft_labels = 0, kvapkg = 0;
  for (const json& node : nodes) {
    if (starts_with(name_of(node), "moc-")) ++moc_names;
    const json* spec = object_member(node, "spec");
    if (spec && starts_with(string_member(*spec, "providerID"), "moc://")) ++moc_provider;
    if (const json* labels = path(node, {"metadata", "labels"}); labels && labels->is_object()) {
      for (const auto& [key, value] : labels->items()) {
        if (starts_with(key, "msft.microsoft/")) {
          ++msft_labels;
          break;
        }
      }
    }
    const json* info = path(node, {"status", "nodeInfo"});
    if (info && string_member(*info, "kubeletVersion").find("-kvapkg") != std::string_view::npos) {
      ++kvapkg;
    }
  }
  const std::string of = " of " + std::to_string(nodes.size()) + " nodes";
  if (moc_names) e.signals.push_back(std::to_string(moc_names) + of + " named moc-*");
  if (moc_provider)
    e.signals.push_back(std::to_string(moc_provider) + of + " with providerID moc://");
  if (msft_labels)
    e.signals.push_back(std::to_string(msft_labels) + of + " with msft.microsoft/ labels");
  e.aks_arc = e.aks_arc || moc_names || moc_provider || msft_labels;
  if (kvapkg) {
    e.windows_server = true;
    e.signals.push_back(std::to_string(kvapkg) + of +
                        " report a -kvapkg kubelet version (AksHci packaging of 22H2 / Windows "
                        "Server)");
  }
}

// AKS Arc components in kube-system and anything in azure-arc, from whatever lists were read.
void read_workloads(const ClusterState& state, Signs& e) {
  for (const auto& [key, list] : state.lists) {
    if (list.error || !list.items.is_array()) continue;
    for (const json& item : list.items) {
      std::string_view ns =
          namespace_of(item).empty() ? std::string_view(key.namespace_) : namespace_of(item);
      if (ns == kArcNs) e.arc_seen = true;
      if (ns != kKubeSystem || key.resource == "configmaps") continue;
      for (std::string_view prefix : kAksArcComponents) {
        if (!starts_with(name_of(item), prefix)) continue;
        e.aks_arc = true;
        e.signals.push_back("kube-system " + key.resource + " " + std::string(name_of(item)));
      }
    }
  }
}

// Arc configuration and absence: Azure Local clusters are always Arc-connected, and their
// connected-cluster resource is a provisioned cluster.
void read_arc(const ClusterState& state, Signs& e) {
  if (const json* cms = state.items(resources::configmaps(std::string(kArcNs)))) {
    for (const json& cm : *cms) {
      if (name_of(cm) != "azure-clusterconfig") continue;
      const json* data = object_member(cm, "data");
      std::string_view type = data ? string_member(*data, "CLUSTER_TYPE") : std::string_view{};
      if (iequals(type, "ProvisionedClusters")) {
        e.azure_local = true;
        e.signals.push_back("azure-arc/azure-clusterconfig CLUSTER_TYPE=" + std::string(type) +
                            " (an AKS Arc provisioned cluster)");
      }
    }
  }
  const json* arc_deployments = state.items(resources::deployments(std::string(kArcNs)));
  if (!e.arc_seen && arc_deployments != nullptr && arc_deployments->empty()) {
    e.windows_server = true;
    e.signals.push_back(
        "no Azure Arc agents in azure-arc (Azure Local clusters are always "
        "Arc-connected)");
  } else if (e.arc_seen) {
    e.signals.push_back("Azure Arc agents present in azure-arc");
  }
}

void read_arc_status(const json* arc_status, Signs& e) {
  if (arc_status == nullptr) return;
  std::string_view kind = string_member(*arc_status, "kind");
  if (iequals(kind, "ProvisionedCluster")) {
    e.azure_local = true;
    e.aks_arc = true;
    e.signals.push_back("--arc-status kind=ProvisionedCluster (AKS Arc on Azure Local)");
  }
  std::string_view offering = string_member(*arc_status, "offering");
  if (offering.find("AzureStackHCI_AKS") != std::string_view::npos) {
    e.windows_server = true;
    e.aks_arc = true;
    e.signals.push_back("--arc-status offering=" + std::string(offering) + " (AksHci)");
  }
}

}  // namespace

PlatformDetection detect_platform(const ClusterState& state, const json* arc_status) {
  Signs e;
  const json* nodes = state.items(resources::nodes());
  if (nodes != nullptr) read_nodes(*nodes, e);
  read_workloads(state, e);
  read_arc(state, e);
  read_arc_status(arc_status, e);

  PlatformDetection out;
  if (!e.aks_arc) {
    if (nodes == nullptr) {
      e.signals.push_back("nodes could not be read: cannot tell the platform");
      out.platform = Platform::kUnknown;
    } else {
      e.signals.push_back(
          "no node named moc-*, no moc:// providerID, no msft.microsoft/ label, "
          "no AKS Arc component in kube-system");
      out.platform = Platform::kNotAksArc;
    }
  } else if (e.azure_local && !e.windows_server) {
    out.platform = Platform::kAzureLocal;
  } else if (e.windows_server && !e.azure_local) {
    out.platform = Platform::kWindowsServer;
  } else {
    e.signals.push_back(e.azure_local ? "signs of both Azure Local and Windows Server"
                                      : "AKS Arc, but nothing tells Azure Local from Windows "
                                        "Server");
    out.platform = Platform::kUnknown;
  }
  out.signals = std::move(e.signals);
  return out;
}

std::vector<ResourceKey> platform_detection_needs() {
  return {resources::nodes(), resources::deployments(std::string(kKubeSystem)),
          resources::daemonsets(std::string(kKubeSystem)),
          resources::deployments(std::string(kArcNs)), resources::configmaps(std::string(kArcNs))};
}

}  // namespace aksarc
