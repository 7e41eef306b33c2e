#include "plugin/acquire.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <utility>

#include "core/platform.h"
#include "kube/api_answer.h"
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
// the real problem (wrong server, expired login, a login proxy or a web server in its place), so
// the tool fails instead. Any failure counts, not only unreachable or unauthorized: a server
// that answers every request with HTML, a redirect or garbage is not an API server either, and
// a client that cannot even be set up (a key that does not match its certificate) reads nothing.
// Only 403s keep the report: they are permissions, which the report names check by check.
std::optional<Error> nothing_answered(const ClusterState& state) {
  if (!state.version_error || state.version_error->code == ErrorCode::kForbidden) {
    return std::nullopt;
  }
  for (const auto& [key, list] : state.lists) {
    if (!list.error || list.error->code == ErrorCode::kForbidden) return std::nullopt;
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
  // --request-timeout bounds an exec credential plugin's run too: one that hangs (a login
  // waiting for a browser that never comes) would otherwise hold every request for the
  // provider's default minute, with no way to shorten it.
  kube::ExecOptions exec_options;
  if (config.value().request_timeout_seconds > 0) {
    exec_options.timeout = std::chrono::milliseconds(
        static_cast<int64_t>(config.value().request_timeout_seconds * 1000));
  }
  auto provider = std::make_shared<kube::CredentialProvider>(config.value(), exec_options);
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

// The live-cluster flags mean nothing with --from-dump; silently ignoring them would let
// `--context prod --from-dump ./old-dump` look like a report on prod.
Status dump_flags_alone(const GlobalOptions& o) {
  for (const auto& [flag, value] :
       {std::pair{"--kubeconfig", &o.kubeconfig}, std::pair{"--context", &o.context},
        std::pair{"--cluster", &o.cluster}, std::pair{"--user", &o.user},
        std::pair{"--request-timeout", &o.request_timeout}}) {
    if (!value->empty()) {
      return invalid_argument("--from-dump reads a saved dump; " + std::string(flag) +
                              " is for a live cluster: use one or the other");
    }
  }
  return {};
}

// Every JSON file of a dump, scanned for nesting before kube::read_dump parses it: copying or
// printing a value recurses once per level, and a file nested 100,000 levels deep overflowed
// the stack (a crash, not an error). The scan reads the files once more (from the page cache),
// a fraction of the parse's cost.
Status check_dump_nesting(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // The dump layout is at most DIR/nodes/<node>/configz.json deep.
  constexpr int kMaxDumpDepth = 3;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it.depth() >= kMaxDumpDepth - 1) it.disable_recursion_pending();
    if (it->path().extension() != ".json" || !it->is_regular_file(ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    kube::NestingScanner scanner;
    char chunk[64 * 1024];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
      if (scanner.feed(std::string_view(chunk, static_cast<size_t>(in.gcount())))) {
        return parse_error(fs::relative(it->path(), dir, ec).string() +
                           " in the dump nests deeper than " +
                           std::to_string(kube::kMaxAnswerDepth) + " levels");
      }
    }
  }
  return {};
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
  if (!options.from_dump.empty()) {
    if (Status s = dump_flags_alone(options); !s.ok()) return s.error();
    if (Status s = check_dump_nesting(options.from_dump); !s.ok()) return s.error();
    return kube::read_dump(options.from_dump, all_lists(plan));
  }
  return acquire_live(options, context, plan, progress);
}

}  // namespace aksarc::plugin
