#pragma once
// Alpha API versions of built-in Kubernetes groups (data/alpha-apis.json).

#include <set>
#include <string>
#include <string_view>

#include "core/json_access.h"
#include "core/kube_version.h"
#include "core/result.h"

namespace aksarc {

class AlphaApiTable {
 public:
  // Parses the JSON document (the shape of data/alpha-apis.json).
  static Result<AlphaApiTable> parse(const json& doc);

  // True when `group`/`version` is an alpha version of a built-in Kubernetes API group: either
  // listed as alpha in the table (for any minor), or its version is vNalphaM and its group is a
  // built-in group (one the table names, or the core group ""). Custom resources in other
  // groups (e.g. cluster.x-k8s.io/v1alpha3) are never alpha APIs in this sense.
  bool is_builtin_alpha(std::string_view group, std::string_view version) const;
  // True when the group is a built-in Kubernetes API group.
  bool is_builtin_group(std::string_view group) const;

 private:
  std::set<std::string, std::less<>> alpha_group_versions_;  // "resource.k8s.io/v1alpha3"
  std::set<std::string, std::less<>> builtin_groups_;
};

// True for versions such as "v1alpha1", "v2alpha3".
bool is_alpha_version(std::string_view version);

}  // namespace aksarc
