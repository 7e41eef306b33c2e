#pragma once
// Reading everything a set of checks needs from a live API server: /version, discovery, the LISTs
// and each kubelet's configz, several requests at a time. A failure on one item is recorded in
// that item of the ClusterState (so only the checks needing it become unknown); it never aborts
// the rest.

#include <functional>
#include <set>
#include <string_view>
#include <vector>

#include "core/cluster_state.h"
#include "kube/client.h"

namespace aksarc::kube {

struct FetchPlan {
  std::vector<ResourceKey> lists;
  std::set<ResourceKey> metadata_only;  // lists of `lists` whose checks read only metadata
  bool version = true;
  bool discovery = true;
  bool kubelet_configz = false;  // GET /api/v1/nodes/<n>/proxy/configz per node (lists nodes)
  int concurrency = 4;
  // The per-node configz GETs: one small request per node (5,000 on a big cluster), so latency
  // bound; up to this many in flight (one per 64 nodes, at least `concurrency`), more than for
  // the big LISTs, whose cost is parsing.
  int configz_concurrency = 16;
  // Drop, as each page arrives, the bulky fields of Pods and Nodes that no check reads (volumes,
  // probes, container statuses, node capacity ...; see fetch.cc), and keep only featureGates of
  // each kubelet configz. A report needs a third of the memory then; a snapshot, which must keep
  // whole objects for later versions of the checks, leaves this off.
  bool drop_unread_fields = false;
};

// Called with short lines such as "listing pods in kube-system"; calls are serialized.
using ProgressFn = std::function<void(std::string_view)>;

// Fetches `plan` through `client`. Never fails as a whole: errors land in
// ClusterState::lists[key].error, version_error, discovery_error and kubelet_configz_errors.
// state.source is "<server> (context <name>)". `progress` may be null. Thread-safe as the client
// is; blocks until every request has finished.
ClusterState fetch_cluster_state(KubeClient& client, const FetchPlan& plan,
                                 const ProgressFn& progress);

}  // namespace aksarc::kube
