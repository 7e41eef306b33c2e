#pragma once
// Reading JSON text without building a document: the admission path's fast reader.
//
// An AdmissionReview carries the whole object, and for UPDATE the old one too (a 500 KB
// ConfigMap arrives as 1 MB of JSON), while a decision usually needs a few fields: the user, the
// kind, the namespace, a Node's labels. Building an nlohmann document of all of it cost 90 % of a
// decision (bench/: ~100 MB/s). Here the text is validated once, in one pass that checks what a
// JSON parser checks (RFC 8259 grammar, escapes, UTF-8, no control characters in strings,
// nesting depth), and then read in place: a JsonView is the text of one value; looking up a
// member skips the others without decoding them. Pieces a rule needs in full are turned into
// nlohmann documents with to_json().
//
// The validating pass also notes where every array and object ends, so skipping a value no rule
// reads (a Node's status, a ConfigMap's data) is one lookup, not a scan: reading a field costs
// about the members walked on the way, whatever the size of the rest.
//
// Duplicate member names: the last one wins, as when nlohmann parses the same text.
// A JsonView borrows the text and its JsonDocument: keep both alive and unchanged while views are
// used.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_access.h"
#include "core/result.h"

namespace aksarc {

class JsonDocument;

class JsonView {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  // Where a container's text begins and ends (one past its closing bracket), as byte offsets.
  struct Extent {
    uint32_t begin;
    uint32_t end;
  };

  // The value's own text, without surrounding whitespace.
  std::string_view raw() const { return text_; }
  Type type() const;
  bool is_object() const { return type() == Type::kObject; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_string() const { return type() == Type::kString; }
  bool is_null() const { return type() == Type::kNull; }
  // True for {} (an object without members).
  bool is_empty_object() const;

  // The member `key` of an object (the last one, if repeated); nullopt when absent or when this
  // is not an object.
  std::optional<JsonView> find(std::string_view key) const;
  // Several members in one pass over the object: out[i] is the member keys[i] (the last one, if
  // repeated), or nullopt. Reading a request field by field would skip the large `object` once
  // per field.
  template <size_t N>
  std::array<std::optional<JsonView>, N> find_all(
      const std::array<std::string_view, N>& keys) const;
  // Follows object keys; nullopt as soon as one step is missing or not an object.
  std::optional<JsonView> find_path(std::initializer_list<std::string_view> keys) const;

  // Calls f(key, value) for each member of an object, in text order (repeats included). `key`
  // is decoded; it may point into a buffer reused by the next call.
  template <class F>
  void for_each_member(F&& f) const;
  // Calls f(element) for each element of an array.
  template <class F>
  void for_each_element(F&& f) const;

  // The decoded string when this is a string (escapes resolved), else nullopt.
  std::optional<std::string> string_value() const;
  // The string's text between the quotes when it contains no escapes, so it can be used in
  // place; nullopt for strings with escapes and for other types.
  std::optional<std::string_view> plain_string() const;
  // The boolean, or nullopt for other types.
  std::optional<bool> bool_value() const;

  // The same value as an nlohmann document. The text was validated, so this does not fail.
  json to_json() const;

  // Same JSON value (as nlohmann compares them): strings by decoded content, numbers and
  // containers by their parsed documents.
  bool same_value(const JsonView& other) const;

 private:
  friend class JsonDocument;
  JsonView(std::string_view text, const char* base, const Extent* extents, size_t count)
      : text_(text), base_(base), extents_(extents), extent_count_(count) {}
  JsonView with_text(std::string_view text) const {
    return JsonView(text, base_, extents_, extent_count_);
  }

  // Past the value that starts at text_[pos].
  size_t skip_value(size_t pos) const;

  // Member iteration over validated text: `pos` is just past '{' or after a previous member.
  // Fills key (decoded into `scratch` when escaped) and value; false at the closing brace.
  bool next_member(size_t& pos, std::string& scratch, std::string_view& key, JsonView& value) const;
  bool next_element(size_t& pos, JsonView& value) const;

  std::string_view text_;
  const char* base_ = nullptr;       // start of the document's text: extents are offsets
  const Extent* extents_ = nullptr;  // the document's container extents, sorted by begin
  size_t extent_count_ = 0;
};

// A type as an error message names it: "null", "a boolean", "a number", "a string", "an array",
// "an object".
std::string_view type_phrase(JsonView::Type type);

// Validated JSON text and the extents of its containers. Views point into it: it cannot be
// copied, and must outlive them (moving it keeps them valid).
class JsonDocument {
 public:
  // Validates `text` as exactly one JSON value (whitespace around allowed) nested at most
  // `max_depth` arrays/objects deep. Errors say what is wrong and at which byte offset; a too
  // deep text is an invalid_argument error, other problems parse errors.
  static Result<JsonDocument> parse(std::string_view text, size_t max_depth);

  JsonDocument(JsonDocument&&) noexcept = default;
  JsonDocument& operator=(JsonDocument&&) noexcept = default;
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  JsonView root() const { return JsonView(root_, text_.data(), extents_.data(), extents_.size()); }

 private:
  JsonDocument() = default;

  std::string_view text_;
  std::string_view root_;
  std::vector<JsonView::Extent> extents_;  // every array and object, sorted by begin
};

template <class F>
void JsonView::for_each_member(F&& f) const {
  if (!is_object()) return;
  size_t pos = 1;
  std::string scratch;
  std::string_view key;
  JsonView value = with_text({});
  while (next_member(pos, scratch, key, value)) f(key, value);
}

template <size_t N>
std::array<std::optional<JsonView>, N> JsonView::find_all(
    const std::array<std::string_view, N>& keys) const {
  std::array<std::optional<JsonView>, N> out;
  for_each_member([&](std::string_view k, const JsonView& v) {
    for (size_t i = 0; i < N; ++i) {
      if (k == keys[i]) out[i] = v;
    }
  });
  return out;
}

template <class F>
void JsonView::for_each_element(F&& f) const {
  if (!is_array()) return;
  size_t pos = 1;
  JsonView value = with_text({});
  while (next_element(pos, value)) f(value);
}

}  // namespace aksarc
