#pragma once
// Kubernetes version strings as they appear in the wild: "v1.28.5", "1.31", "1.31.0",
// "v1.28.5-kvapkg.1" (AKS Arc node pools), "v1.30.2+k3s1", "v1.29.0-gke.1". Only major, minor and
// (optional) patch are kept; any pre-release or build suffix is ignored.

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace aksarc {

struct KubeVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;  // 0 when the string gives none

  // The minor version as "1.28".
  std::string minor_string() const;
  auto operator<=>(const KubeVersion&) const = default;
};

// Parses a version; nullopt when the string does not start with [v]MAJOR.MINOR.
std::optional<KubeVersion> parse_kube_version(std::string_view text);

// Compares only major and minor ("1.31.1" and "1.31" are the same minor).
int compare_minor(const KubeVersion& a, const KubeVersion& b);

}  // namespace aksarc
