#pragma once
// `-o json` and `-o yaml` for every subcommand: one JSON document, printed as indented JSON or as
// block-style YAML (keys in the document's order, strings quoted so "1.30" stays a string).

#include <iosfwd>
#include <string_view>

#include "core/json_access.h"

namespace aksarc::plugin {

// Prints `document` in `format` ("json" or "yaml"; anything else is treated as json), with a
// trailing newline. Never throws.
void write_structured(const json& document, std::string_view format, std::ostream& out);

}  // namespace aksarc::plugin
