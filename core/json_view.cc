#include "core/json_view.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace aksarc {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t skip_ws(std::string_view t, size_t pos) {
  while (pos < t.size() && is_ws(t[pos])) ++pos;
  return pos;
}

// Strings are scanned 8 bytes at a time (SWAR): the masks flag, in the high bit of each byte,
// the bytes that need a closer look. No such byte is ever missed; a borrow can flag a byte next
// to a true hit, which costs nothing: a scan jumps to the first flagged byte and looks at it
// alone.
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

uint64_t load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

uint64_t zero_bytes(uint64_t v) { return (v - kOnes) & ~v & kHighs; }

// '"' or '\\'.
uint64_t quote_or_backslash(uint64_t w) {
  return zero_bytes(w ^ (kOnes * '"')) | zero_bytes(w ^ (kOnes * '\\'));
}

// '"', '\\', a control character (< 0x20) or a non-ASCII byte (UTF-8 to validate).
uint64_t needs_attention(uint64_t w) {
  return quote_or_backslash(w) | ((w - kOnes * 0x20) & ~w & kHighs) | (w & kHighs);
}

// Byte index (0-7, little-endian order) of the lowest flagged byte of a non-zero mask.
size_t first_flagged(uint64_t mask) {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<size_t>(__builtin_ctzll(mask)) / 8;
  } else {
    return static_cast<size_t>(__builtin_clzll(mask)) / 8;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a \uXXXX escape whose 'u' is at t[pos]; -1 when malformed.
long unicode_escape(std::string_view t, size_t pos) {
  if (pos + 4 >= t.size()) return -1;
  long v = 0;
  for (size_t i = 1; i <= 4; ++i) {
    int h = hex_value(t[pos + i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// Length of the valid UTF-8 sequence starting at t[pos] (a byte >= 0x80), 0 when invalid
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t utf8_sequence(std::string_view t, size_t pos) {
  auto byte = [&](size_t i) -> unsigned {
    return pos + i < t.size() ? static_cast<unsigned char>(t[pos + i]) : 0u;
  };
  auto cont = [&](size_t i) { return (byte(i) & 0xC0u) == 0x80u; };
  const unsigned b0 = byte(0);
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned b1 = byte(1);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;   // overlong
    if (b0 == 0xED && b1 >= 0xA0) return 0;  // surrogates
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned b1 = byte(1);
    if (b0 == 0xF0 && b1 < 0x90) return 0;   // overlong
    if (b0 == 0xF4 && b1 >= 0x90) return 0;  // above U+10FFFF
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

// The validating pass. Offsets in messages are byte offsets into the text.
class Validator {
 public:
  Validator(std::string_view text, size_t max_depth, std::vector<JsonView::Extent>& extents)
      : t_(text), max_depth_(max_depth), extents_(extents) {}

  Status run() {
    std::vector<uint32_t> stack;  // per open container, its entry in extents_
    auto open_char = [&] { return t_[extents_[stack.back()].begin]; };
    auto close = [&](size_t at) {
      extents_[stack.back()].end = static_cast<uint32_t>(at + 1);
      stack.pop_back();
    };
    size_t pos = skip_ws(t_, 0);
    for (;;) {
      // A value starts at pos.
      if (pos >= t_.size()) return fail(pos, "unexpected end of input");
      const char c = t_[pos];
      if (c == '{' || c == '[') {
        if (stack.size() + 1 > max_depth_) {
          return invalid_argument("nests deeper than " + std::to_string(max_depth_) + " levels");
        }
        stack.push_back(static_cast<uint32_t>(extents_.size()));
        extents_.push_back({static_cast<uint32_t>(pos), 0});
        pos = skip_ws(t_, pos + 1);
        if (pos < t_.size() && t_[pos] == (c == '{' ? '}' : ']')) {
          close(pos);
          ++pos;
        } else if (c == '{') {
          if (Status s = member_name(pos); !s.ok()) return s;
          continue;
        } else {
          continue;
        }
      } else if (c == '"') {
        if (Status s = string(pos); !s.ok()) return s;
      } else if (c == 't' || c == 'f' || c == 'n') {
        if (Status s = literal(pos); !s.ok()) return s;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        if (Status s = number(pos); !s.ok()) return s;
      } else {
        return fail(pos, "unexpected character");
      }
      // After a value: close containers, or move to the next element or member.
      for (;;) {
        pos = skip_ws(t_, pos);
        if (stack.empty()) {
          if (pos != t_.size()) return fail(pos, "unexpected characters after the value");
          return {};
        }
        if (pos >= t_.size()) return fail(pos, "unexpected end of input");
        const char open = open_char();
        if (t_[pos] == (open == '{' ? '}' : ']')) {
          close(pos);
          ++pos;
          continue;
        }
        if (t_[pos] != ',') return fail(pos, "expected ',' or a closing bracket");
        pos = skip_ws(t_, pos + 1);
        if (open == '{') {
          if (Status s = member_name(pos); !s.ok()) return s;
        }
        break;
      }
    }
  }

 private:
  Status fail(size_t pos, std::string_view what) const {
    if (pos >= t_.size()) return parse_error("unexpected end of input");
    return parse_error(std::string(what) + " at byte " + std::to_string(pos));
  }

  // `"name" :` then whitespace; pos ends at the member's value.
  Status member_name(size_t& pos) {
    if (pos >= t_.size() || t_[pos] != '"') return fail(pos, "expected a member name");
    if (Status s = string(pos); !s.ok()) return s;
    pos = skip_ws(t_, pos);
    if (pos >= t_.size() || t_[pos] != ':') return fail(pos, "expected ':'");
    pos = skip_ws(t_, pos + 1);
    return {};
  }

  // A string starting at the quote at pos; pos ends past the closing quote.
  Status string(size_t& pos) {
    const size_t start = pos++;
    for (;;) {
      while (pos + 8 <= t_.size()) {
        if (uint64_t m = needs_attention(load8(t_.data() + pos))) {
          pos += first_flagged(m);
          break;
        }
        pos += 8;
      }
      if (pos >= t_.size()) return fail(start, "unterminated string");
      const auto c = static_cast<unsigned char>(t_[pos]);
      if (c == '"') {
        ++pos;
        return {};
      }
      if (c == '\\') {
        if (Status s = escape(pos); !s.ok()) return s;
      } else if (c < 0x20) {
        return fail(pos, "control character in a string");
      } else if (c >= 0x80) {
        size_t n = utf8_sequence(t_, pos);
        if (n == 0) return fail(pos, "invalid UTF-8 in a string");
        pos += n;
      } else {
        ++pos;
      }
    }
  }

  // The escape whose backslash is at pos; pos ends after it.
  Status escape(size_t& pos) {
    if (pos + 1 >= t_.size()) return fail(pos, "unterminated string");
    const char e = t_[pos + 1];
    if (e != 'u') {
      if (std::strchr("\"\\/bfnrt", e) == nullptr || e == '\0') {
        return fail(pos, "invalid escape in a string");
      }
      pos += 2;
      return {};
    }
    const long unit = unicode_escape(t_, pos + 1);
    if (unit < 0) return fail(pos, "invalid \\u escape");
    pos += 6;
    if (unit >= 0xDC00 && unit <= 0xDFFF) return fail(pos - 6, "lone low surrogate");
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (pos + 1 >= t_.size() || t_[pos] != '\\' || t_[pos + 1] != 'u') {
        return fail(pos - 6, "high surrogate without a low one");
      }
      const long low = unicode_escape(t_, pos + 1);
      if (low < 0xDC00 || low > 0xDFFF) return fail(pos, "high surrogate without a low one");
      pos += 6;
    }
    return {};
  }

  Status literal(size_t& pos) {
    for (std::string_view word : {"true", "false", "null"}) {
      if (t_.substr(pos, word.size()) == word) {
        pos += word.size();
        return {};
      }
    }
    return fail(pos, "invalid literal");
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  Status number(size_t& pos) {
    const size_t start = pos;
    auto digit = [&](size_t i) { return i < t_.size() && t_[i] >= '0' && t_[i] <= '9'; };
    if (t_[pos] == '-') ++pos;
    if (!digit(pos)) return fail(start, "invalid number");
    if (t_[pos] == '0') {
      ++pos;
    } else {
      while (digit(pos)) ++pos;
    }
    if (pos < t_.size() && t_[pos] == '.') {
      ++pos;
      if (!digit(pos)) return fail(start, "invalid number");
      while (digit(pos)) ++pos;
    }
    bool exponent = false;
    if (pos < t_.size() && (t_[pos] == 'e' || t_[pos] == 'E')) {
      exponent = true;
      ++pos;
      if (pos < t_.size() && (t_[pos] == '+' || t_[pos] == '-')) ++pos;
      if (!digit(pos)) return fail(start, "invalid number");
      while (digit(pos)) ++pos;
    }
    // A number beyond the range of a double (1e999, or 400 digits) is refused, as nlohmann
    // refuses it: the rest of the project reads numbers as doubles.
    if (exponent || pos - start > 300) {
      const std::string number(t_.substr(start, pos - start));
      if (!std::isfinite(std::strtod(number.c_str(), nullptr))) {
        return fail(start, "number out of range");
      }
    }
    return {};
  }

  std::string_view t_;
  size_t max_depth_;
  std::vector<JsonView::Extent>& extents_;
};

// Past the closing quote of the (validated) string whose opening quote is at pos.
size_t skip_string(std::string_view t, size_t pos) {
  const char* d = t.data();
  const size_t n = t.size();
  size_t i = pos + 1;
  for (;;) {
    while (i + 8 <= n) {
      if (uint64_t m = quote_or_backslash(load8(d + i))) {
        i += first_flagged(m);
        break;
      }
      i += 8;
    }
    if (i >= n) return n;  // cannot happen in validated text
    if (d[i] == '"') return i + 1;
    i += d[i] == '\\' ? 2 : 1;
  }
}

// Past the (validated) value starting at pos, by scanning.
size_t scan_past_value(std::string_view t, size_t pos) {
  const char c = t[pos];
  if (c == '"') return skip_string(t, pos);
  if (c == '{' || c == '[') {
    size_t depth = 0;
    for (size_t i = pos; i < t.size();) {
      const char x = t[i];
      if (x == '"') {
        i = skip_string(t, i);
        continue;
      }
      if (x == '{' || x == '[') {
        ++depth;
      } else if (x == '}' || x == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return t.size();
  }
  size_t i = pos;
  while (i < t.size() && !is_ws(t[i]) && t[i] != ',' && t[i] != '}' && t[i] != ']') ++i;
  return i;
}

// Decodes the (validated) string whose text, quotes included, is `quoted`.
std::string decode_string(std::string_view quoted) {
  std::string out;
  out.reserve(quoted.size());
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    const char c = quoted[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    const char e = quoted[++i];
    switch (e) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        long cp = unicode_escape(quoted, i);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          const long low = unicode_escape(quoted, i + 2);
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        const auto u = static_cast<unsigned long>(cp);
        if (u < 0x80) {
          out += static_cast<char>(u);
        } else if (u < 0x800) {
          out += static_cast<char>(0xC0 | (u >> 6));
          out += static_cast<char>(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
          out += static_cast<char>(0xE0 | (u >> 12));
          out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (u & 0x3F));
        } else {
          out += static_cast<char>(0xF0 | (u >> 18));
          out += static_cast<char>(0x80 | ((u >> 12) & 0x3F));
          out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (u & 0x3F));
        }
        break;
      }
      default:  // '"', '\\', '/'
        out += e;
    }
  }
  return out;
}

}  // namespace

Result<JsonDocument> JsonDocument::parse(std::string_view text, size_t max_depth) {
  if (text.size() >= UINT32_MAX) return parse_error("text larger than 4 GiB");
  JsonDocument doc;
  if (Status s = Validator(text, max_depth, doc.extents_).run(); !s.ok()) return s.error();
  const size_t begin = skip_ws(text, 0);
  size_t end = text.size();
  while (end > begin && is_ws(text[end - 1])) --end;
  doc.text_ = text;
  doc.root_ = text.substr(begin, end - begin);
  return doc;
}

size_t JsonView::skip_value(size_t pos) const {
  const char c = text_[pos];
  if ((c == '{' || c == '[') && extents_ != nullptr) {
    const auto offset = static_cast<uint32_t>(text_.data() + pos - base_);
    const Extent* last = extents_ + extent_count_;
    const Extent* e = std::lower_bound(extents_, last, offset,
                                       [](const Extent& x, uint32_t o) { return x.begin < o; });
    if (e != last && e->begin == offset) {
      return static_cast<size_t>(base_ + e->end - text_.data());
    }
  }
  return scan_past_value(text_, pos);
}

JsonView::Type JsonView::type() const {
  switch (text_.empty() ? 'n' : text_.front()) {
    case '{':
      return Type::kObject;
    case '[':
      return Type::kArray;
    case '"':
      return Type::kString;
    case 't':
    case 'f':
      return Type::kBool;
    case 'n':
      return Type::kNull;
    default:
      return Type::kNumber;
  }
}

bool JsonView::is_empty_object() const { return is_object() && text_[skip_ws(text_, 1)] == '}'; }

bool JsonView::next_member(size_t& pos, std::string& scratch, std::string_view& key,
                           JsonView& value) const {
  pos = skip_ws(text_, pos);
  if (pos >= text_.size() || text_[pos] == '}') return false;
  if (text_[pos] == ',') pos = skip_ws(text_, pos + 1);
  const size_t key_end = skip_string(text_, pos);
  const std::string_view quoted = text_.substr(pos, key_end - pos);
  if (quoted.find('\\') == std::string_view::npos) {
    key = quoted.substr(1, quoted.size() - 2);
  } else {
    scratch = decode_string(quoted);
    key = scratch;
  }
  pos = skip_ws(text_, key_end);
  pos = skip_ws(text_, pos + 1);  // ':'
  const size_t value_end = skip_value(pos);
  value = with_text(text_.substr(pos, value_end - pos));
  pos = value_end;
  return true;
}

bool JsonView::next_element(size_t& pos, JsonView& value) const {
  pos = skip_ws(text_, pos);
  if (pos >= text_.size() || text_[pos] == ']') return false;
  if (text_[pos] == ',') pos = skip_ws(text_, pos + 1);
  const size_t value_end = skip_value(pos);
  value = with_text(text_.substr(pos, value_end - pos));
  pos = value_end;
  return true;
}

std::optional<JsonView> JsonView::find(std::string_view key) const {
  std::optional<JsonView> found;
  for_each_member([&](std::string_view k, const JsonView& v) {
    if (k == key) found = v;
  });
  return found;
}

std::optional<JsonView> JsonView::find_path(std::initializer_list<std::string_view> keys) const {
  std::optional<JsonView> at = *this;
  for (std::string_view k : keys) {
    if (!at->is_object()) return std::nullopt;
    at = at->find(k);
    if (!at) return std::nullopt;
  }
  return at;
}

std::optional<std::string> JsonView::string_value() const {
  if (!is_string()) return std::nullopt;
  if (auto plain = plain_string()) return std::string(*plain);
  return decode_string(text_);
}

std::optional<std::string_view> JsonView::plain_string() const {
  if (!is_string() || text_.find('\\') != std::string_view::npos) return std::nullopt;
  return text_.substr(1, text_.size() - 2);
}

std::optional<bool> JsonView::bool_value() const {
  if (text_ == "true") return true;
  if (text_ == "false") return false;
  return std::nullopt;
}

json JsonView::to_json() const { return json::parse(text_); }

bool JsonView::same_value(const JsonView& other) const {
  if (text_ == other.text_) return true;
  if (is_string() && other.is_string()) {
    if (!plain_string() || !other.plain_string()) return string_value() == other.string_value();
    return false;  // two plain strings with different text
  }
  if (type() != other.type()) return false;
  return to_json() == other.to_json();
}

std::string_view type_phrase(JsonView::Type type) {
  switch (type) {
    case JsonView::Type::kNull:
      return "null";
    case JsonView::Type::kBool:
      return "a boolean";
    case JsonView::Type::kNumber:
      return "a number";
    case JsonView::Type::kString:
      return "a string";
    case JsonView::Type::kArray:
      return "an array";
    case JsonView::Type::kObject:
      return "an object";
  }
  return "a value";
}

}  // namespace aksarc
