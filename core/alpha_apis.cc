#include "core/alpha_apis.h"

#include <array>

namespace aksarc {
namespace {

// GA groups served by kube-apiserver itself. The table only names groups that had alpha or beta
// versions in the minors it covers, so the long-stable groups are listed here. "" is the core
// group (/api/v1). CRD groups that merely end in ".k8s.io" (gateway.networking.k8s.io,
// snapshot.storage.k8s.io, cluster.x-k8s.io) are deliberately not built-in.
constexpr std::array<std::string_view, 21> kWellKnownGroups = {
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "extensions",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "rbac.authorization.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
};

// "resource.k8s.io/v1alpha3" -> "resource.k8s.io"; "v1" (core) -> "".
std::string_view group_of(std::string_view group_version) {
  size_t slash = group_version.find('/');
  return slash == std::string_view::npos ? std::string_view{} : group_version.substr(0, slash);
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Reads the groupVersion of every entry of `list` (a member of one `versions` entry). Entries
// without a string groupVersion are errors: a table that silently lost entries would let alpha
// APIs through.
Status read_group_versions(const json& version, std::string_view list_name,
                           std::set<std::string, std::less<>>* alpha,
                           std::set<std::string, std::less<>>& groups) {
  const json* list = member(version, list_name);
  if (list == nullptr) return {};
  if (!list->is_array())
    return parse_error("alpha APIs: `" + std::string(list_name) + "` is not a list");
  for (const json& entry : *list) {
    std::string_view gv = string_member(entry, "groupVersion");
    if (gv.empty()) {
      return parse_error("alpha APIs: an entry of `" + std::string(list_name) +
                         "` has no groupVersion");
    }
    groups.emplace(group_of(gv));
    if (alpha != nullptr) alpha->emplace(gv);
  }
  return {};
}

}  // namespace

bool is_alpha_version(std::string_view version) {
  // Kubernetes API versions: v<major>[(alpha|beta)<n>].
  if (version.size() < 2 || version.front() != 'v') return false;
  size_t alpha = version.find("alpha");
  if (alpha == std::string_view::npos) return false;
  return all_digits(version.substr(1, alpha - 1)) && all_digits(version.substr(alpha + 5));
}

Result<AlphaApiTable> AlphaApiTable::parse(const json& doc) {
  const json* versions = array_member(doc, "versions");
  if (versions == nullptr) return parse_error("alpha APIs: `versions` missing or not a list");
  AlphaApiTable table;
  for (std::string_view group : kWellKnownGroups) table.builtin_groups_.emplace(group);
  for (const json& version : *versions) {
    if (!version.is_object()) return parse_error("alpha APIs: a `versions` entry is not an object");
    Status status =
        read_group_versions(version, "alpha", &table.alpha_group_versions_, table.builtin_groups_);
    if (status.ok()) status = read_group_versions(version, "beta", nullptr, table.builtin_groups_);
    // Packages left out of the served lists (types kept for clients) still name built-in groups.
    if (status.ok()) {
      status = read_group_versions(version, "excludedPackages", nullptr, table.builtin_groups_);
    }
    if (!status.ok()) return status.error();
  }
  return table;
}

bool AlphaApiTable::is_builtin_group(std::string_view group) const {
  return builtin_groups_.find(group) != builtin_groups_.end();
}

bool AlphaApiTable::is_builtin_alpha(std::string_view group, std::string_view version) const {
  if (is_alpha_version(version) && is_builtin_group(group)) return true;
  std::string key = std::string(group) + "/" + std::string(version);
  return alpha_group_versions_.find(key) != alpha_group_versions_.end();
}

}  // namespace aksarc
