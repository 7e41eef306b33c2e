#include "core/embedded_data.h"

// Symbols defined by the generated assembler files (.incbin).
#define AKSARC_EMBEDDED(sym)                          \
  extern "C" const char aksarc_embed_##sym##_begin[]; \
  extern "C" const char aksarc_embed_##sym##_end[];
AKSARC_EMBEDDED(feature_gates_json)
AKSARC_EMBEDDED(alpha_apis_json)
AKSARC_EMBEDDED(default_policy_yaml)
AKSARC_EMBEDDED(aksarc_versions_json)
AKSARC_EMBEDDED(aksarc_components_yaml)
#undef AKSARC_EMBEDDED

namespace aksarc::embedded {
namespace {
std::string_view view(const char* begin, const char* end) {
  return {begin, static_cast<size_t>(end - begin)};
}
}  // namespace

std::string_view feature_gates_json() {
  return view(aksarc_embed_feature_gates_json_begin, aksarc_embed_feature_gates_json_end);
}
std::string_view alpha_apis_json() {
  return view(aksarc_embed_alpha_apis_json_begin, aksarc_embed_alpha_apis_json_end);
}
std::string_view default_policy_yaml() {
  return view(aksarc_embed_default_policy_yaml_begin, aksarc_embed_default_policy_yaml_end);
}

std::string_view aksarc_versions_json() {
  return view(aksarc_embed_aksarc_versions_json_begin, aksarc_embed_aksarc_versions_json_end);
}
std::string_view aksarc_components_yaml() {
  return view(aksarc_embed_aksarc_components_yaml_begin, aksarc_embed_aksarc_components_yaml_end);
}

}  // namespace aksarc::embedded
