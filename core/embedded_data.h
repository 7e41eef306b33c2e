#pragma once
// The policy data files embedded in the binary at build time (see cmake/EmbedData.cmake).
// Each view is valid for the life of the program.

#include <string_view>

namespace aksarc::embedded {

std::string_view feature_gates_json();      // data/feature-gates.json
std::string_view alpha_apis_json();         // data/alpha-apis.json
std::string_view default_policy_yaml();     // data/default-policy.yaml
std::string_view aksarc_versions_json();    // data/aksarc-versions.json
std::string_view aksarc_components_yaml();  // data/aksarc-components.yaml

}  // namespace aksarc::embedded
