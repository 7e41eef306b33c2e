#include "kube/fetch.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

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
    std::lock_guard<std::mutex> lock(mu_);
    if (r.ok()) {
      state_.version = std::move(r).value();
    } else {
      state_.version_error = r.error();
    }
  }

  void fetch_discovery() {
    say("reading the served API versions");
    std::vector<std::string> served;
    Result<json> core = client_.get_json("/api");
    Result<json> groups = core.ok() ? client_.get_json("/apis") : core;
    std::lock_guard<std::mutex> lock(mu_);
    if (!groups.ok()) {
      state_.discovery_error = groups.error();
      return;
    }
    if (const json* versions = array_member(core.value(), "versions")) {
      for (const json& v : *versions) {
        if (!as_string(v).empty()) served.emplace_back(as_string(v));
      }
    }
    if (const json* list = array_member(groups.value(), "groups")) {
      for (const json& group : *list) {
        const json* versions = array_member(group, "versions");
        if (versions == nullptr) continue;
        for (const json& v : *versions) {
          std::string_view gv = string_member(v, "groupVersion");
          if (!gv.empty()) served.emplace_back(gv);
        }
      }
    }
    state_.served_group_versions = std::move(served);
  }

  void fetch_list(const ResourceKey& key) {
    say("listing " + key.describe());
    ListOptions options;
    options.metadata_only = plan_.metadata_only.count(key) > 0;
    Result<json> r = client_.list(key, options);
    ResourceList list;
    if (r.ok()) {
      const json* items = array_member(r.value(), "items");
      if (items != nullptr) list.items = *items;
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
    for (const std::string& node : nodes) tasks.emplace_back([this, node] { fetch_configz(node); });
    run_all(tasks, plan_.concurrency);
  }

  void fetch_configz(const std::string& node) {
    say("reading the kubelet configuration of node " + node);
    Result<json> r = client_.get_json("/api/v1/nodes/" + path_segment(node) + "/proxy/configz");
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
