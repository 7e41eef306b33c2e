#pragma once
// Small string, hex and object-metadata helpers of the test API server (header-only; used by
// api_server.cc only). All are pure functions, safe from any thread.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_access.h"

namespace aksarc::testapi {

// ---------------------------------------------------------------------------------------------
// Small string and metadata helpers.

inline std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(sep, start), text.size());
    out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

inline std::string trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

inline const json& metadata_of(const json& obj) {
  static const json kEmpty = json::object();
  const json* meta = object_member(obj, "metadata");
  return meta ? *meta : kEmpty;
}

inline std::string meta_string(const json& obj, std::string_view key) {
  return std::string(string_member(metadata_of(obj), key));
}

inline const json* label_map(const json& obj) { return object_member(metadata_of(obj), "labels"); }

inline std::string to_hex(std::string_view in) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : in) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

inline std::optional<std::string> from_hex(std::string_view in) {
  if (in.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < in.size(); i += 2) {
    const int hi = nibble(in[i]), lo = nibble(in[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace aksarc::testapi
