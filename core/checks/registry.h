#pragma once
// Every cluster check, in report order. Adding a check means adding it to its family's file and
// one line in registry.cc.

#include <memory>
#include <string_view>
#include <vector>

#include "core/checks/check.h"

namespace aksarc {

const std::vector<std::unique_ptr<Check>>& all_checks();
// The check with this ID, or nullptr.
const Check* find_check(std::string_view id);

// Family factories (one per file in core/checks/).
std::vector<std::unique_ptr<Check>> make_version_checks();    // versions.cc: VER-1..4
std::vector<std::unique_ptr<Check>> make_node_checks();       // nodes.cc: NODE-2, NODE-4/5
std::vector<std::unique_ptr<Check>> make_lifecycle_checks();  // lifecycle.cc: LIFE-2..4
std::vector<std::unique_ptr<Check>> make_component_checks();  // components.cc: MGD-1
std::vector<std::unique_ptr<Check>> make_preview_checks();    // preview.cc: PREV-1
std::vector<std::unique_ptr<Check>> make_scope_checks();      // scope.cc: SCOPE-2/3, webhook

}  // namespace aksarc
