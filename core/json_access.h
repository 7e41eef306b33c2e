#pragma once
// Safe, non-throwing reads of untrusted JSON. Every accessor returns a default (empty view,
// nullptr, nullopt) when the key is missing or has another type; none creates keys (never use
// operator[] on input). Returned views and pointers borrow from the json value: they stay valid
// while it lives and is not modified.

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace aksarc {

using json = nlohmann::json;

// The member `key` of object `j`, or nullptr when j is not an object or has no such key.
const json* member(const json& j, std::string_view key);
// The member if it is an object (non-null), else nullptr.
const json* object_member(const json& j, std::string_view key);
// The member if it is an array, else nullptr.
const json* array_member(const json& j, std::string_view key);
// The member's string value, or an empty view when absent or not a string.
std::string_view string_member(const json& j, std::string_view key);
// The member's boolean value, or nullopt when absent or not a boolean.
std::optional<bool> bool_member(const json& j, std::string_view key);
// Follows a path of object keys; nullptr as soon as one step is missing.
const json* path(const json& j, std::initializer_list<std::string_view> keys);
// The string held by j, or an empty view when j is not a string.
std::string_view as_string(const json& j);

}  // namespace aksarc
