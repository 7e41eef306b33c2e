#include "core/actors.h"

#include <algorithm>
#include <string>

namespace aksarc {
namespace {

constexpr std::string_view kNodePrefix = "system:node:";
constexpr std::string_view kServiceAccountPrefix = "system:serviceaccount:";
constexpr std::string_view kControlPlaneUsers[] = {"system:kube-controller-manager",
                                                   "system:kube-scheduler", "system:apiserver"};

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// A kubelet acts for its own node only: the NodeRestriction admission plugin gives the same
// guarantee, and a kubelet relabelling another node is exactly what NODE-2 must catch.
bool is_own_kubelet(const AdmissionRequest& r) {
  if (!r.user.username.starts_with(kNodePrefix) || !r.user.in_group("system:nodes")) return false;
  std::string_view node = r.user.username.substr(kNodePrefix.size());
  if (node.empty()) return false;
  bool about_node =
      r.resource.resource == "nodes" || (r.resource.resource.empty() && r.kind.kind == "Node");
  return !about_node || r.name == node;
}

// "system:serviceaccount:<ns>:<name>" -> {ns, name}; empty views when not a service account.
std::pair<std::string_view, std::string_view> split_service_account(std::string_view user) {
  if (!user.starts_with(kServiceAccountPrefix)) return {};
  std::string_view rest = user.substr(kServiceAccountPrefix.size());
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) return {};
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

bool is_exempt_service_account(std::string_view ns, std::string_view name,
                               const PolicyConfig& config) {
  if (ns.empty()) return false;
  if (config.is_system_namespace(ns)) return true;
  for (const std::string& entry : config.exemptions.service_accounts) {
    size_t colon = entry.find(':');
    if (colon == std::string::npos) continue;
    std::string_view entry_ns(entry.data(), colon);
    std::string_view entry_name(entry.data() + colon + 1, entry.size() - colon - 1);
    if (entry_ns == ns && (entry_name == "*" || entry_name == name)) return true;
  }
  return false;
}

}  // namespace

bool is_system_actor(const AdmissionRequest& r, const PolicyConfig& config) {
  std::string_view user = r.user.username;
  if (user.empty()) return false;
  if (is_own_kubelet(r)) return true;
  if (std::find(std::begin(kControlPlaneUsers), std::end(kControlPlaneUsers), user) !=
      std::end(kControlPlaneUsers)) {
    return true;
  }
  auto [sa_ns, sa_name] = split_service_account(user);
  if (is_exempt_service_account(sa_ns, sa_name, config)) return true;
  if (contains(config.exemptions.users, user)) return true;
  return std::any_of(r.user.groups.begin(), r.user.groups.end(),
                     [&](std::string_view g) { return contains(config.exemptions.groups, g); });
}

}  // namespace aksarc
