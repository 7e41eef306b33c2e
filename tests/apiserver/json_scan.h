#pragma once
// A fast path for loading big fixtures (header-only; used by fixture_store.cc only). Building a
// JSON tree of every object and serializing it again costs ~25 CPU-seconds for a 150,000-pod
// fixture. Most big fixtures (those aksarc-bench-cluster writes) already hold each object exactly
// as json::dump() writes it, so these helpers cut a List's text into item slices without a tree
// and tell whether a slice is already in that form; the store then keeps the slice as is and
// parses only the object's metadata. Anything unusual returns "no" and the caller parses it the
// ordinary way, so what the server answers never depends on which path loaded an object.

#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace aksarc::testapi::scan {

inline size_t skip_ws(std::string_view t, size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) ++i;
  return i;
}

// End of the string starting at t[i] == '"' (one past the closing quote), or npos.
inline size_t skip_string(std::string_view t, size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') {
      ++i;
    } else if (t[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// End of the value starting at t[i] (not validated: the caller validates what it keeps), or
// npos when brackets or strings do not close.
inline size_t skip_value(std::string_view t, size_t i) {
  if (i >= t.size()) return std::string_view::npos;
  if (t[i] == '"') return skip_string(t, i);
  if (t[i] != '{' && t[i] != '[') {
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' &&
           t[i] != '\n' && t[i] != '\r' && t[i] != '\t') {
      ++i;
    }
    return i;
  }
  int depth = 0;
  for (; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '"') {
      i = skip_string(t, i);
      if (i == std::string_view::npos) return i;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

// The top-level members of an object text as (key without quotes, value slice), or nullopt when
// it is not an object this scanner can follow (escaped keys included).
inline std::optional<std::vector<std::pair<std::string_view, std::string_view>>> members(
    std::string_view t) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  size_t i = skip_ws(t, 0);
  if (i >= t.size() || t[i] != '{') return std::nullopt;
  i = skip_ws(t, i + 1);
  if (i < t.size() && t[i] == '}')
    return skip_ws(t, i + 1) == t.size() ? std::optional(out) : std::nullopt;
  while (i < t.size()) {
    if (t[i] != '"') return std::nullopt;
    const size_t key_end = skip_string(t, i);
    if (key_end == std::string_view::npos) return std::nullopt;
    const std::string_view key = t.substr(i + 1, key_end - i - 2);
    if (key.find('\\') != std::string_view::npos) return std::nullopt;
    i = skip_ws(t, key_end);
    if (i >= t.size() || t[i] != ':') return std::nullopt;
    i = skip_ws(t, i + 1);
    const size_t value_end = skip_value(t, i);
    if (value_end == std::string_view::npos || value_end == i) return std::nullopt;
    out.emplace_back(key, t.substr(i, value_end - i));
    i = skip_ws(t, value_end);
    if (i < t.size() && t[i] == ',') {
      i = skip_ws(t, i + 1);
      continue;
    }
    if (i < t.size() && t[i] == '}') {
      return skip_ws(t, i + 1) == t.size() ? std::optional(out) : std::nullopt;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// The element slices of an array text, or nullopt.
inline std::optional<std::vector<std::string_view>> elements(std::string_view t) {
  std::vector<std::string_view> out;
  size_t i = skip_ws(t, 0);
  if (i >= t.size() || t[i] != '[') return std::nullopt;
  i = skip_ws(t, i + 1);
  if (i < t.size() && t[i] == ']')
    return skip_ws(t, i + 1) == t.size() ? std::optional(out) : std::nullopt;
  while (i < t.size()) {
    const size_t end = skip_value(t, i);
    if (end == std::string_view::npos || end == i) return std::nullopt;
    out.push_back(t.substr(i, end - i));
    i = skip_ws(t, end);
    if (i < t.size() && t[i] == ',') {
      i = skip_ws(t, i + 1);
      continue;
    }
    if (i < t.size() && t[i] == ']') {
      return skip_ws(t, i + 1) == t.size() ? std::optional(out) : std::nullopt;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// Validates one value of compact, json::dump()-shaped text from t[i]; returns its end or npos.
class CanonicalChecker {
 public:
  explicit CanonicalChecker(std::string_view t) : t_(t) {}

  size_t value(size_t i, int depth) {
    if (i >= t_.size() || depth > 64) return npos;
    switch (t_[i]) {
      case '"':
        return string(i);
      case '{':
        return object(i, depth);
      case '[':
        return array(i, depth);
      case 't':
        return literal(i, "true");
      case 'f':
        return literal(i, "false");
      case 'n':
        return literal(i, "null");
      default:
        return integer(i);
    }
  }

 private:
  static constexpr size_t npos = std::string_view::npos;

  size_t literal(size_t i, std::string_view word) const {
    return t_.substr(i, word.size()) == word ? i + word.size() : npos;
  }

  // Integers only, as int64 prints them (floats are re-printed differently by dump()).
  size_t integer(size_t i) const {
    const size_t start = i;
    if (i < t_.size() && t_[i] == '-') ++i;
    const size_t digits = i;
    while (i < t_.size() && t_[i] >= '0' && t_[i] <= '9') ++i;
    const size_t n = i - digits;
    if (n == 0 || n > 18 || (n > 1 && t_[digits] == '0')) return npos;
    if (t_.substr(start, i - start) == "-0") return npos;
    return i;
  }

  // Escapes as dump() writes them; \u and \/ are rewritten by dump(), control bytes are invalid.
  size_t string(size_t i) const {
    for (++i; i < t_.size(); ++i) {
      const auto c = static_cast<unsigned char>(t_[i]);
      if (c == '"') return i + 1;
      if (c < 0x20) return npos;
      if (c == '\\') {
        if (++i >= t_.size() || std::strchr("\"\\bfnrt", t_[i]) == nullptr) return npos;
      } else if (c >= 0x80) {
        return npos;  // dump() checks UTF-8; leave such text to the ordinary path
      }
    }
    return npos;
  }

  size_t object(size_t i, int depth) {
    ++i;
    if (i < t_.size() && t_[i] == '}') return i + 1;
    std::string_view previous;
    bool first = true;
    while (i < t_.size()) {
      if (t_[i] != '"') return npos;
      const size_t key_end = string(i);
      if (key_end == npos) return npos;
      const std::string_view key = t_.substr(i + 1, key_end - i - 2);
      if (key.find('\\') != std::string_view::npos) return npos;
      if (!first && !(previous < key)) return npos;  // dump() writes std::map order
      previous = key;
      first = false;
      if (key_end >= t_.size() || t_[key_end] != ':') return npos;
      i = value(key_end + 1, depth + 1);
      if (i == npos || i >= t_.size()) return npos;
      if (t_[i] == '}') return i + 1;
      if (t_[i] != ',') return npos;
      ++i;
    }
    return npos;
  }

  size_t array(size_t i, int depth) {
    ++i;
    if (i < t_.size() && t_[i] == ']') return i + 1;
    while (i < t_.size()) {
      i = value(i, depth + 1);
      if (i == npos || i >= t_.size()) return npos;
      if (t_[i] == ']') return i + 1;
      if (t_[i] != ',') return npos;
      ++i;
    }
    return npos;
  }

  std::string_view t_;
};

// True when json::parse(t).dump() == t.
inline bool is_canonical(std::string_view t) {
  CanonicalChecker checker(t);
  return checker.value(0, 0) == t.size();
}

}  // namespace aksarc::testapi::scan
