// libFuzzer target: the engine's in-place JSON reader against nlohmann. Both must accept the same
// texts and, when they accept, read the same value; walking every member and element must not
// read outside the text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json_view.h"

namespace {
// Touches every member and element, as rules do when they look values up.
void walk(const aksarc::JsonView& v) {
  v.for_each_member([](std::string_view, const aksarc::JsonView& m) { walk(m); });
  v.for_each_element([](const aksarc::JsonView& e) { walk(e); });
  (void)v.string_value();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = aksarc::JsonDocument::parse(text, 128);
  aksarc::json theirs = aksarc::json::parse(text, nullptr, false);
  const bool deep = !doc.ok() && doc.error().code == aksarc::ErrorCode::kInvalidArgument;
  if (deep) return 0;  // nlohmann has no depth limit
  // nlohmann stops at a NUL byte outside strings and ignores the rest; JsonView rejects it.
  const bool nul = text.find('\0') != std::string_view::npos;
  if (doc.ok() && theirs.is_discarded()) std::abort();
  if (!doc.ok() && !theirs.is_discarded() && !nul) std::abort();
  if (!doc.ok()) return 0;
  walk(doc.value().root());
  if (doc.value().root().to_json() != theirs) std::abort();
  return 0;
}
