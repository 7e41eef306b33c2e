#pragma once
#include <memory>

#include "core/rule.h"

namespace aksarc {
// MGD-1: CREATE, UPDATE and DELETE in the system namespaces (kube-system, azure-arc, ...) are
// violations, except what the allow-list and `kubectl rollout restart` permit.
std::unique_ptr<Rule> make_managed_components_rule();
}  // namespace aksarc
