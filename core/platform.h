#pragma once
// Which AKS Arc platform a cluster runs on, from what the cluster shows about itself: node names
// `moc-*`, providerID `moc://`, `msft.microsoft/` node labels, AKS Arc components in kube-system,
// the Azure Arc agents and their configuration. Telling Azure Local from Windows Server needs
// stronger evidence than telling AKS Arc from other clusters; when it is missing the answer is
// kUnknown and the checks ask for --platform.

#include <string>
#include <vector>

#include "core/checks/check.h"
#include "core/cluster_state.h"

namespace aksarc {

struct PlatformDetection {
  Platform platform = Platform::kUnknown;
  std::vector<std::string> signals;  // what was seen, for people: "node moc-l1hj0nllpvs: ..."
};

// Pure and thread-safe. `arc_status` is the optional `az connectedk8s show` JSON (nullptr when
// not given). Returns kUnknown (with signals saying why) when the nodes could not be read or the
// evidence does not decide between the platforms; never fails.
PlatformDetection detect_platform(const ClusterState& state, const json* arc_status = nullptr);

// The lists detection reads (nodes, kube-system and azure-arc workloads, azure-arc ConfigMaps),
// so a fetcher can collect them along with what the checks need.
std::vector<ResourceKey> platform_detection_needs();

}  // namespace aksarc
