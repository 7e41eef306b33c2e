#pragma once
// The embedded AKS Arc component data as the MGD-1 and SCOPE checks use it.

#include <vector>

#include "core/aksarc_components.h"
#include "core/checks/check.h"

namespace aksarc::checks {

// The embedded component data, or nullptr after appending an `unknown` result of `check` (only
// when the build embedded a broken file). Thread-safe.
inline const AksArcComponents* components_or_unknown(const Check& check,
                                                     std::vector<CheckResult>& out) {
  auto loaded = load_embedded_aksarc_components();
  if (loaded.ok()) return loaded.value().get();
  out.push_back(
      result_of(check, CheckStatus::kUnknown,
                "could not check: the embedded component list is broken: " + loaded.error().message,
                "report this to the plugin's maintainers"));
  return nullptr;
}

}  // namespace aksarc::checks
