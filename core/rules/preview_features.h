#pragma once
#include <memory>

#include "core/rule.h"

namespace aksarc {
// PREV-1: enabling a feature gate that is alpha in the cluster's version (or AllAlpha=true), in
// any place a write can enable it, and writing objects of alpha versions of built-in API groups.
std::unique_ptr<Rule> make_preview_features_rule();
}  // namespace aksarc
