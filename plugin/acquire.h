#pragma once
// Getting the ClusterState a report judges: from a live API server (kubeconfig or the pod's
// service account, credentials including exec plugins) or from a saved dump. Reads exactly what
// the chosen checks need, plus what platform detection reads.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/checks/check.h"
#include "core/cluster_state.h"
#include "core/result.h"
#include "kube/client.h"
#include "kube/fetch.h"
#include "kube/kubeconfig.h"
#include "plugin/global_options.h"

namespace aksarc::plugin {

// The union of what `checks` read, plus platform detection's lists, with drop_unread_fields on
// (a report needs no more); a caller that keeps whole objects (snapshot) turns it off.
kube::FetchPlan plan_for(const std::vector<const Check*>& checks);

// The kubeconfig selection of the flags and the environment ($KUBECONFIG, $HOME). Errors:
// kInvalidArgument for a malformed --request-timeout.
Result<kube::KubeconfigSelection> selection_of(const GlobalOptions& options);

// A client for the cluster the flags select (kubeconfig, else the pod's service account), with
// its credentials (exec plugins included). `context` overrides --context. Errors: no usable
// kubeconfig, a bad client configuration. Thread-safe.
Result<std::unique_ptr<kube::KubeClient>> connect(const GlobalOptions& options,
                                                  const std::optional<std::string>& context);

// Reads the cluster. `context` overrides --context (for --contexts / --all-contexts). With
// --from-dump the dump is read instead. Errors (the tool cannot run; exit 1): no usable
// kubeconfig (and not in a pod), a bad client configuration, a dump that is not one, or a
// cluster that answered nothing at all (unreachable, every request unauthorized). Errors on
// single lists are kept in the state instead. `progress` may be null. Thread-safe.
Result<ClusterState> acquire_state(const GlobalOptions& options,
                                   const std::optional<std::string>& context,
                                   const kube::FetchPlan& plan, const kube::ProgressFn& progress);

}  // namespace aksarc::plugin
