#include "core/checks/api_server_version.h"

#include "core/checks/object_fields.h"

namespace aksarc::checks {
namespace {

std::optional<ApiServerVersion> from_version_endpoint(const ClusterState& state) {
  if (!state.version) return std::nullopt;
  std::string git(string_member(*state.version, "gitVersion"));
  std::optional<KubeVersion> v = parse_kube_version(git);
  if (!v) return std::nullopt;
  return ApiServerVersion{git, *v, Evidence{"Version", "", "/version", "gitVersion", git}, ""};
}

// "registry/kube-apiserver:v1.31.10" -> "v1.31.10"; digests ("@sha256:...") carry no version.
std::string_view image_tag(std::string_view image) {
  if (image.find('@') != std::string_view::npos) return {};
  size_t colon = image.rfind(':');
  size_t slash = image.rfind('/');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) {
    return {};
  }
  return image.substr(colon + 1);
}

std::optional<ApiServerVersion> from_static_pod(const ClusterState& state) {
  const json* pods = state.items(resources::pods("kube-system"));
  if (pods == nullptr) return std::nullopt;
  std::optional<ApiServerVersion> found;
  for (const json& pod : *pods) {
    if (label_of(pod, "component") != "kube-apiserver") continue;
    for_each_container(pod, [&](const json& c, const std::string& field) {
      if (found || string_member(c, "name") != "kube-apiserver") return;
      std::string_view image = string_member(c, "image");
      std::string tag(image_tag(image));
      if (std::optional<KubeVersion> v = parse_kube_version(tag)) {
        found =
            ApiServerVersion{tag, *v, evidence_of(pod, "Pod", field + ".image", std::string(image)),
                             " (from the kube-apiserver image)"};
      }
    });
    if (found) break;
  }
  return found;
}

}  // namespace

std::optional<ApiServerVersion> api_server_version(const ClusterState& state) {
  if (auto v = from_version_endpoint(state)) return v;
  return from_static_pod(state);
}

std::string api_server_version_missing(const ClusterState& state) {
  if (state.version_error) return state.version_error->message;
  if (state.version) {
    return "gitVersion \"" + std::string(string_member(*state.version, "gitVersion")) +
           "\" is not a version";
  }
  return "/version was not collected";
}

}  // namespace aksarc::checks
