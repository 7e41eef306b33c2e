#include "plugin/acquire.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>

#include "core/platform.h"
#include "kube/client.h"
#include "kube/dump.h"
#include "kube/exec_credential.h"

namespace aksarc::plugin {
namespace {

std::vector<ResourceKey> all_lists(const kube::FetchPlan& plan) {
  std::vector<ResourceKey> lists = plan.lists;
  if (plan.kubelet_configz &&
      std::find(lists.begin(), lists.end(), resources::nodes()) == lists.end()) {
    lists.push_back(resources::nodes());
  }
  return lists;
}

// True when the server gave us nothing at all: then a report of "unknown" everywhere would hide
// the real problem (wrong server, expired login), so the tool fails instead.
std::optional<Error> nothing_answered(const ClusterState& state) {
  if (!state.version_error) return std::nullopt;
  for (const auto& [key, list] : state.lists) {
    if (!list.error) return std::nullopt;
    ErrorCode c = list.error->code;
    if (c != ErrorCode::kUnavailable && c != ErrorCode::kUnauthorized) return std::nullopt;
  }
  return state.version_error;
}

// kubectl's order: an explicit kubeconfig wins; without any configuration file inside a pod, the
// pod's service account.
Result<kube::RestConfig> rest_config_of(const GlobalOptions& options,
                                        const std::optional<std::string>& context) {
  Result<kube::KubeconfigSelection> selection = selection_of(options);
  if (!selection.ok()) return selection.error();
  Result<kube::RestConfig> config = context ? kube::load_rest_config(selection.value(), *context)
                                            : kube::load_rest_config(selection.value());
  if (config.ok() || config.error().code != ErrorCode::kNotFound) return config;
  bool explicit_config = !options.kubeconfig.empty() || selection.value().kubeconfig_env;
  if (explicit_config || context || !options.context.empty()) return config;
  Result<kube::RestConfig> in_cluster =
      kube::load_in_cluster_rest_config(kube::kServiceAccountDir, [](const char* name) {
        return std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read-only use
      });
  if (!in_cluster.ok()) return config;  // the kubeconfig's error is the useful one
  in_cluster.value().request_timeout_seconds = selection.value().request_timeout_seconds;
  return in_cluster;
}

}  // namespace

Result<std::unique_ptr<kube::KubeClient>> connect(const GlobalOptions& options,
                                                  const std::optional<std::string>& context) {
  Result<kube::RestConfig> config = rest_config_of(options, context);
  if (!config.ok()) return config.error();
  auto provider = std::make_shared<kube::CredentialProvider>(config.value());
  return kube::KubeClient::create(config.value(), kube::credentials_fn(provider));
}

namespace {

Result<ClusterState> acquire_live(const GlobalOptions& options,
                                  const std::optional<std::string>& context,
                                  const kube::FetchPlan& plan, const kube::ProgressFn& progress) {
  Result<std::unique_ptr<kube::KubeClient>> client = connect(options, context);
  if (!client.ok()) return client.error();
  ClusterState state = kube::fetch_cluster_state(*client.value(), plan, progress);
  if (std::optional<Error> e = nothing_answered(state)) {
    return Error{e->code,
                 "cannot read the cluster at " + client.value()->server() + ": " + e->message};
  }
  return state;
}

}  // namespace

kube::FetchPlan plan_for(const std::vector<const Check*>& checks) {
  kube::FetchPlan plan;
  plan.discovery = false;
  plan.drop_unread_fields = true;  // a report reads only what its checks read
  std::vector<ResourceKey> lists = platform_detection_needs();
  std::set<ResourceKey> in_full(lists.begin(), lists.end());
  for (const Check* check : checks) {
    for (const ResourceKey& key : check->needs()) {
      lists.push_back(key);
      if (!check->reads_only_metadata()) in_full.insert(key);
    }
    plan.discovery = plan.discovery || check->needs_discovery();
    plan.kubelet_configz = plan.kubelet_configz || check->needs_kubelet_configz();
  }
  std::sort(lists.begin(), lists.end());
  lists.erase(std::unique(lists.begin(), lists.end()), lists.end());
  for (const ResourceKey& key : lists) {
    if (in_full.count(key) == 0) plan.metadata_only.insert(key);
  }
  plan.lists = std::move(lists);
  return plan;
}

Result<kube::KubeconfigSelection> selection_of(const GlobalOptions& options) {
  kube::KubeconfigSelection s;
  s.kubeconfig_flag = options.kubeconfig;
  // NOLINTBEGIN(concurrency-mt-unsafe): the environment is not modified while we run
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && env[0] != '\0') {
    s.kubeconfig_env = env;
  }
  if (const char* home = std::getenv("HOME"); home != nullptr) s.home = home;
  // NOLINTEND(concurrency-mt-unsafe)
  s.context = options.context;
  s.cluster = options.cluster;
  s.user = options.user;
  if (!options.request_timeout.empty()) {
    std::optional<double> seconds = parse_duration_seconds(options.request_timeout);
    if (!seconds) {
      return invalid_argument("invalid --request-timeout \"" + options.request_timeout +
                              "\": use a duration such as 30s, 1m or 0");
    }
    s.request_timeout_seconds = *seconds;
  }
  return s;
}

Result<ClusterState> acquire_state(const GlobalOptions& options,
                                   const std::optional<std::string>& context,
                                   const kube::FetchPlan& plan, const kube::ProgressFn& progress) {
  if (!options.from_dump.empty()) return kube::read_dump(options.from_dump, all_lists(plan));
  return acquire_live(options, context, plan, progress);
}

}  // namespace aksarc::plugin
