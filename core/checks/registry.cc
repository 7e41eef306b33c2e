#include "core/checks/registry.h"

namespace aksarc {
namespace {

std::vector<std::unique_ptr<Check>> build() {
  std::vector<std::unique_ptr<Check>> all;
  for (auto make : {make_version_checks, make_node_checks, make_component_checks,
                    make_preview_checks, make_lifecycle_checks, make_scope_checks}) {
    for (auto& check : make()) all.push_back(std::move(check));
  }
  return all;
}

}  // namespace

const std::vector<std::unique_ptr<Check>>& all_checks() {
  static const std::vector<std::unique_ptr<Check>> checks = build();
  return checks;
}

const Check* find_check(std::string_view id) {
  for (const auto& c : all_checks()) {
    if (c->id() == id) return c.get();
  }
  return nullptr;
}

}  // namespace aksarc
