#include "core/cluster_state.h"

namespace aksarc {

std::string ResourceKey::path() const {
  std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !namespace_.empty()) p += "/namespaces/" + namespace_;
  return p + "/" + resource;
}

std::string ResourceKey::describe() const {
  std::string what = group.empty() ? resource : resource + "." + group;
  if (!namespaced) return what;
  return what + (namespace_.empty() ? " in all namespaces" : " in " + namespace_);
}

namespace resources {
ResourceKey nodes() { return {"", "v1", "nodes", "", false}; }
ResourceKey pods(std::string ns) { return {"", "v1", "pods", std::move(ns), true}; }
ResourceKey configmaps(std::string ns) { return {"", "v1", "configmaps", std::move(ns), true}; }
ResourceKey daemonsets(std::string ns) { return {"apps", "v1", "daemonsets", std::move(ns), true}; }
ResourceKey deployments(std::string ns) {
  return {"apps", "v1", "deployments", std::move(ns), true};
}
ResourceKey validating_webhook_configurations() {
  return {"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "", false};
}
}  // namespace resources

const ResourceList* ClusterState::find(const ResourceKey& key) const {
  auto it = lists.find(key);
  return it == lists.end() ? nullptr : &it->second;
}

const json* ClusterState::items(const ResourceKey& key) const {
  const ResourceList* list = find(key);
  if (list == nullptr || list->error || !list->items.is_array()) return nullptr;
  return &list->items;
}

}  // namespace aksarc
