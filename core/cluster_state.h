#pragma once
// What the cluster checks read, however it was obtained: from a live API server (kube/fetch),
// from a `kubectl cluster-info dump` folder or a `snapshot` folder (kube/dump). A list that could
// not be read keeps the reason (e.g. 403 naming the missing permission), so only the checks that
// need it become `unknown`.

#include <compare>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json_access.h"
#include "core/result.h"

namespace aksarc {

// One LIST the checks may need. namespace_ "" means cluster-scoped, or all namespaces for a
// namespaced resource.
struct ResourceKey {
  std::string group;       // "" for the core group, "apps", "admissionregistration.k8s.io"
  std::string version;     // "v1"
  std::string resource;    // plural: "nodes", "pods", "configmaps"
  std::string namespace_;  // "kube-system", or ""
  bool namespaced = true;  // false for cluster-scoped resources (nodes, webhook configurations)

  auto operator<=>(const ResourceKey&) const = default;
  // The API path of the LIST: "/api/v1/nodes", "/apis/apps/v1/namespaces/kube-system/daemonsets".
  std::string path() const;
  // For people: "pods in kube-system", "nodes", "daemonsets in all namespaces".
  std::string describe() const;
};

// The lists the checks use, named once so checks, fetcher and dump reader agree.
namespace resources {
ResourceKey nodes();
ResourceKey pods(std::string ns);  // ns "" = all namespaces
ResourceKey configmaps(std::string ns);
ResourceKey daemonsets(std::string ns);
ResourceKey deployments(std::string ns);
ResourceKey validating_webhook_configurations();
}  // namespace resources

struct ResourceList {
  json items = json::array();  // the objects, as the API returns them
  std::optional<Error> error;  // set when the list could not be read
};

struct ClusterState {
  std::string source;  // for the report: "https://10.0.0.5:6443 (context moc)", "dump ./dir"
  std::optional<json> version;  // GET /version
  std::optional<Error> version_error;
  std::map<ResourceKey, ResourceList> lists;
  // Discovery: every served group/version, e.g. "v1", "apps/v1", "resource.k8s.io/v1alpha3".
  std::optional<std::vector<std::string>> served_group_versions;
  std::optional<Error> discovery_error;
  // Kubelet configuration per node name (GET /api/v1/nodes/<n>/proxy/configz), where permitted.
  std::map<std::string, json> kubelet_configz;
  std::map<std::string, Error> kubelet_configz_errors;

  // The list for `key`, or nullptr when it was never fetched.
  const ResourceList* find(const ResourceKey& key) const;
  // The items of `key` when it was fetched without error, else nullptr.
  const json* items(const ResourceKey& key) const;
};

}  // namespace aksarc
