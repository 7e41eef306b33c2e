#include "plugin/embedded_manifests.h"

#include <cstddef>

// Symbols from cmake/EmbedData.cmake (aksarc_manifests).
#define AKSARC_EMBEDDED(sym)                          \
  extern "C" const char aksarc_embed_##sym##_begin[]; \
  extern "C" const char aksarc_embed_##sym##_end[];
AKSARC_EMBEDDED(manifest_enforce_cert_manager)
AKSARC_EMBEDDED(manifest_enforce_cert_manager_nmc)
AKSARC_EMBEDDED(manifest_enforce_self_signed)
AKSARC_EMBEDDED(manifest_enforce_self_signed_nmc)
AKSARC_EMBEDDED(manifest_warn_cert_manager)
AKSARC_EMBEDDED(manifest_warn_cert_manager_nmc)
AKSARC_EMBEDDED(manifest_warn_self_signed)
AKSARC_EMBEDDED(manifest_warn_self_signed_nmc)
#undef AKSARC_EMBEDDED

namespace aksarc::plugin {
namespace {

std::string_view view(const char* begin, const char* end) {
  return {begin, static_cast<size_t>(end - begin)};
}

#define AKSARC_VIEW(sym) view(aksarc_embed_##sym##_begin, aksarc_embed_##sym##_end)

}  // namespace

std::string_view rendered_manifest(const ManifestVariant& v) {
  if (v.warn) {
    if (v.cert_manager) {
      return v.match_conditions ? AKSARC_VIEW(manifest_warn_cert_manager)
                                : AKSARC_VIEW(manifest_warn_cert_manager_nmc);
    }
    return v.match_conditions ? AKSARC_VIEW(manifest_warn_self_signed)
                              : AKSARC_VIEW(manifest_warn_self_signed_nmc);
  }
  if (v.cert_manager) {
    return v.match_conditions ? AKSARC_VIEW(manifest_enforce_cert_manager)
                              : AKSARC_VIEW(manifest_enforce_cert_manager_nmc);
  }
  return v.match_conditions ? AKSARC_VIEW(manifest_enforce_self_signed)
                            : AKSARC_VIEW(manifest_enforce_self_signed_nmc);
}

std::string variant_name(const ManifestVariant& v) {
  return std::string(v.warn ? "warn" : "enforce") +
         (v.cert_manager ? "-cert-manager" : "-self-signed") +
         (v.match_conditions ? "" : "-no-match-conditions");
}

}  // namespace aksarc::plugin
