#pragma once
// The API server's version as the cluster shows it: GET /version, else the tag of the
// kube-apiserver static pod's image in kube-system (`kubectl cluster-info dump` records no
// /version, but it does record that pod). Shared by the VER and PREV checks.

#include <optional>
#include <string>

#include "core/checks/check.h"
#include "core/kube_version.h"

namespace aksarc::checks {

struct ApiServerVersion {
  std::string text;  // "v1.31.10"
  KubeVersion version;
  Evidence evidence;   // where it was read
  std::string source;  // "" for /version, else " (from the kube-apiserver image)"
};

// nullopt when neither /version nor a kube-apiserver pod with a version tag is in `state`.
// Pure; thread-safe.
std::optional<ApiServerVersion> api_server_version(const ClusterState& state);

// Why api_server_version() found nothing, for messages.
std::string api_server_version_missing(const ClusterState& state);

}  // namespace aksarc::checks
