#pragma once
// The facts the rules judge against: feature-gate stages and alpha APIs. Loaded from the data
// embedded at build time, or from files given at run time (a newer table without a rebuild).

#include <memory>
#include <string_view>

#include "core/alpha_apis.h"
#include "core/feature_gates.h"
#include "core/result.h"

namespace aksarc {

struct PolicyData {
  FeatureGateTable feature_gates;
  AlphaApiTable alpha_apis;
};

// Parses the embedded data files. Fails only if the build embedded broken files.
Result<std::shared_ptr<const PolicyData>> load_embedded_policy_data();

// Parses the given documents (JSON text); an empty view means "use the embedded one".
Result<std::shared_ptr<const PolicyData>> load_policy_data(std::string_view feature_gates_json,
                                                           std::string_view alpha_apis_json);

}  // namespace aksarc
