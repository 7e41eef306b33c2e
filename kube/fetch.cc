#include "kube/fetch.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "kube/api_answer.h"

namespace aksarc::kube {
namespace {

// Runs every task, at most `workers` at a time; returns when all are done.
void run_all(const std::vector<std::function<void()>>& tasks, int workers) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < tasks.size(); i = next++) tasks[i]();
  };
  size_t count = std::min(tasks.size(), static_cast<size_t>(std::max(workers, 1)));
  std::vector<std::thread> threads;
  for (size_t i = 1; i < count; ++i) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
}

// One node name as a URL path segment; node names are DNS subdomains, but they come from the API.
std::string path_segment(std::string_view name) {
  std::string out;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    bool plain = std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_';
    if (plain) {
      out += c;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// Members no check reads, on the objects where they are bulky (in core/checks and
// core/platform.cc these keys appear for other objects only: managedFields of kube-system
// Deployments/DaemonSets/ConfigMaps, conditions of Nodes, volumes of DaemonSet templates).
// Everything else is kept as the API returned it.
void erase_members(json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return;
  for (const char* k : keys) object.erase(k);
}

void drop_unread_pod_fields(json& pod) {
  if (!pod.is_object()) return;
  if (pod.contains("spec") && pod["spec"].is_object()) {
    json& spec = pod["spec"];
    erase_members(spec, {"volumes", "tolerations", "affinity", "topologySpreadConstraints"});
    for (const char* list : {"containers", "initContainers", "ephemeralContainers"}) {
      if (!spec.contains(list) || !spec[list].is_array()) continue;
      for (json& c : spec[list]) {
        erase_members(c, {"volumeMounts", "livenessProbe", "readinessProbe", "startupProbe",
                          "resources", "ports", "terminationMessagePath",
                          "terminationMessagePolicy", "imagePullPolicy", "volumeDevices"});
      }
    }
  }
  if (pod.contains("status")) {
    erase_members(pod["status"], {"conditions", "containerStatuses", "initContainerStatuses",
                                  "ephemeralContainerStatuses", "podIPs", "hostIPs"});
  }
  if (pod.contains("metadata")) erase_members(pod["metadata"], {"managedFields"});
}

void drop_unread_node_fields(json& node) {
  if (!node.is_object()) return;
  if (node.contains("metadata")) erase_members(node["metadata"], {"managedFields"});
  if (!node.contains("status")) return;
  erase_members(node["status"], {"addresses", "allocatable", "capacity", "daemonEndpoints",
                                 "images", "volumesAttached", "volumesInUse"});
}

// The configz part the kubelet check reads: kubeletconfig.featureGates.
void keep_configz_feature_gates(json& body) {
  const json* gates = path(body, {"kubeletconfig", "featureGates"});
  json kept = json::object();
  if (gates != nullptr) kept["featureGates"] = *gates;
  if (path(body, {"kubeletconfig"}) != nullptr) body = {{"kubeletconfig", std::move(kept)}};
}

class Fetcher {
 public:
  Fetcher(KubeClient& client, const FetchPlan& plan, const ProgressFn& progress)
      : client_(client), plan_(plan), progress_(progress) {}

  ClusterState run() {
    std::vector<ResourceKey> lists = plan_.lists;
    if (plan_.kubelet_configz &&
        std::find(lists.begin(), lists.end(), resources::nodes()) == lists.end()) {
      lists.push_back(resources::nodes());
    }
    std::vector<std::function<void()>> tasks;
    if (plan_.version) tasks.emplace_back([this] { fetch_version(); });
    if (plan_.discovery) tasks.emplace_back([this] { fetch_discovery(); });
    for (const ResourceKey& key : lists) tasks.emplace_back([this, key] { fetch_list(key); });
    run_all(tasks, plan_.concurrency);
    if (plan_.kubelet_configz) fetch_all_configz();
    const RestConfig& config = client_.config();
    state_.source = config.server;
    if (!config.context_name.empty()) state_.source += " (context " + config.context_name + ")";
    return std::move(state_);
  }

 private:
  void say(const std::string& line) {
    if (!progress_) return;
    std::lock_guard<std::mutex> lock(mu_);
    progress_(line);
  }

  void fetch_version() {
    say("reading the server version");
    Result<json> r = client_.get_json("/version");
    if (r.ok()) r = interpret_version(std::move(r).value(), client_.server() + "/version");
    std::lock_guard<std::mutex> lock(mu_);
    if (r.ok()) {
      state_.version = std::move(r).value();
    } else {
      state_.version_error = r.error();
    }
  }

  void fetch_discovery() {
    say("reading the served API versions");
    Result<json> core = client_.get_json("/api");
    Result<json> groups = core.ok() ? client_.get_json("/apis") : core;
    std::lock_guard<std::mutex> lock(mu_);
    if (!groups.ok()) {
      state_.discovery_error = groups.error();
      return;
    }
    state_.served_group_versions = served_group_versions(core.value(), groups.value());
  }

  void fetch_list(const ResourceKey& key) {
    say("listing " + key.describe());
    ListOptions options;
    options.metadata_only = plan_.metadata_only.count(key) > 0;
    if (plan_.drop_unread_fields && key.group.empty() && !options.metadata_only) {
      if (key.resource == "pods") options.trim_item = drop_unread_pod_fields;
      if (key.resource == "nodes") options.trim_item = drop_unread_node_fields;
    }
    Result<json> r = client_.list(key, options);
    ResourceList list;
    if (r.ok()) {
      json& body = r.value();
      if (body.is_object() && body.contains("items") && body["items"].is_array()) {
        list.items = std::move(body["items"]);  // moved: lists can be hundreds of MB as trees
      }
    } else {
      list.error = r.error();
    }
    std::lock_guard<std::mutex> lock(mu_);
    state_.lists[key] = std::move(list);
  }

  void fetch_all_configz() {
    std::vector<std::string> nodes;
    if (const json* items = state_.items(resources::nodes())) {
      for (const json& node : *items) {
        const json* name = path(node, {"metadata", "name"});
        if (name != nullptr && !as_string(*name).empty()) nodes.emplace_back(as_string(*name));
      }
    }
    std::vector<std::function<void()>> tasks;
    tasks.reserve(nodes.size());
    for (const std::string& node : nodes) tasks.emplace_back([this, node] { fetch_configz(node); });
    // Each worker opens its own TLS connection: worth it only when there are many nodes.
    const int most = std::max(plan_.concurrency, plan_.configz_concurrency);
    run_all(tasks, std::clamp(static_cast<int>(nodes.size()) / 64, plan_.concurrency, most));
  }

  void fetch_configz(const std::string& node) {
    say("reading the kubelet configuration of node " + node);
    Result<json> r = client_.get_json("/api/v1/nodes/" + path_segment(node) + "/proxy/configz");
    if (r.ok() && plan_.drop_unread_fields) keep_configz_feature_gates(r.value());
    std::lock_guard<std::mutex> lock(mu_);
    if (r.ok()) {
      state_.kubelet_configz[node] = std::move(r).value();
    } else {
      state_.kubelet_configz_errors[node] = r.error();
    }
  }

  KubeClient& client_;
  const FetchPlan& plan_;
  const ProgressFn& progress_;
  std::mutex mu_;  // guards state_ and serializes progress_
  ClusterState state_;
};

}  // namespace

ClusterState fetch_cluster_state(KubeClient& client, const FetchPlan& plan,
                                 const ProgressFn& progress) {
  return Fetcher(client, plan, progress).run();
}

}  // namespace aksarc::kube
