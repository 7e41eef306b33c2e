#pragma once
// The webhook's manifests as `kubectl kustomize` renders them (manifests/rendered/, embedded at
// build time): one document stream per install variant.

#include <string>
#include <string_view>

namespace aksarc::plugin {

struct ManifestVariant {
  bool warn = false;             // components/warn, else enforce
  bool cert_manager = false;     // overlays/cert-manager, else overlays/self-signed
  bool match_conditions = true;  // false: components/no-match-conditions (Kubernetes < 1.28)
};

// The rendered YAML of `variant`. Self-signed variants hold the placeholders '@CA_CRT@',
// '@TLS_CRT@' and '@TLS_KEY@' (quoted, as kustomize prints them). Valid for the program's life.
std::string_view rendered_manifest(const ManifestVariant& variant);

// "warn-self-signed-no-match-conditions": the variant's file name without ".yaml".
std::string variant_name(const ManifestVariant& variant);

}  // namespace aksarc::plugin
