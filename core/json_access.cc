#include "core/json_access.h"

namespace aksarc {

const json* member(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

const json* object_member(const json& j, std::string_view key) {
  const json* m = member(j, key);
  return (m != nullptr && m->is_object()) ? m : nullptr;
}

const json* array_member(const json& j, std::string_view key) {
  const json* m = member(j, key);
  return (m != nullptr && m->is_array()) ? m : nullptr;
}

std::string_view as_string(const json& j) {
  if (!j.is_string()) return {};
  return j.get_ref<const json::string_t&>();
}

std::string_view string_member(const json& j, std::string_view key) {
  const json* m = member(j, key);
  return m == nullptr ? std::string_view{} : as_string(*m);
}

std::optional<bool> bool_member(const json& j, std::string_view key) {
  const json* m = member(j, key);
  if (m == nullptr || !m->is_boolean()) return std::nullopt;
  return m->get<bool>();
}

const json* path(const json& j, std::initializer_list<std::string_view> keys) {
  const json* cur = &j;
  for (std::string_view k : keys) {
    cur = member(*cur, k);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

}  // namespace aksarc
