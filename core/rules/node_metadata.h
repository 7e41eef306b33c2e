#pragma once
#include <memory>

#include "core/rule.h"

namespace aksarc {
// NODE-2: on UPDATE of a Node, adding, changing or removing a label or annotation under a
// protected domain (system-created metadata) is a violation.
std::unique_ptr<Rule> make_node_metadata_rule();
}  // namespace aksarc
