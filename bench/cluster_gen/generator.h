#pragma once
// The work of aksarc-bench-cluster: a synthetic AKS Arc cluster of any size, written as a fixture
// folder the test API server serves (format: tests/apiserver/README.md). It is grown from a
// recorded cluster (the template), so its objects look like real ones: the template is copied as
// is, then more control-plane nodes (with their static pods), more workers (with a pod of every
// node-wide DaemonSet each, and a kubelet configz) and application namespaces are stamped from
// the template's own objects. The same arguments always give the same bytes.

#include <cstdint>
#include <filesystem>

#include "core/result.h"

namespace aksarc::bench {

struct ClusterSpec {
  int nodes = 0;     // all nodes, control plane included; at least 3 + the template's workers
  int64_t pods = 0;  // all pods, system pods included
  int control_plane = 3;
  int pods_per_namespace = 150;  // application pods per application namespace
  std::filesystem::path out;     // created; must be absent, empty or an earlier output
  std::filesystem::path template_dir;
};

struct ClusterSummary {
  int nodes = 0;
  int control_plane = 0;
  int64_t pods = 0;
  int64_t system_pods = 0;  // kube-system, azure-arc and the template's other pods
  int app_namespaces = 0;
  int64_t app_deployments = 0;
  uintmax_t bytes = 0;  // written, copies of the template included
};

// Writes the cluster. Errors: kInvalidArgument when the spec cannot be met (too few nodes, fewer
// pods than the system pods need, an output folder holding something else), kParse when the
// template is not a usable cluster (no control-plane node, no worker, no application Deployment
// in default/), kIo when a file cannot be read or written. The message names the file or flag.
Result<ClusterSummary> generate_cluster(const ClusterSpec& spec);

// The marker file an output folder carries (its content: the spec it was made from); an existing
// folder is only replaced when it has one.
inline constexpr const char* kMarkerFile = ".aksarc-bench-cluster";

}  // namespace aksarc::bench
