// JsonView must accept exactly the texts nlohmann accepts and read the same values out of them:
// the engine answers from it, and the rest of the project (plugin, tests) from nlohmann.
#include "core/json_view.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using aksarc::json;
using aksarc::JsonDocument;
using aksarc::JsonView;

constexpr size_t kDeep = 1000;

bool nlohmann_accepts(std::string_view text) {
  return !json::parse(text, nullptr, /*allow_exceptions=*/false).is_discarded();
}

// Both parsers agree on acceptance, and on the value when accepted.
void check_agrees(std::string_view text) {
  auto doc = JsonDocument::parse(text, kDeep);
  const bool theirs = nlohmann_accepts(text);
  INFO("text: ", std::string(text.substr(0, 200)));
  REQUIRE(doc.ok() == theirs);
  if (doc.ok()) CHECK(doc.value().root().to_json() == json::parse(text));
}

JsonView root_of(const JsonDocument& d) { return d.root(); }

}  // namespace

TEST_CASE("json_view accepts and rejects what nlohmann does") {
  const char* cases[] = {
      // valid
      "{}", "[]", "0", "-0", "1.5e+3", "1E-2", "true", "false", "null", "\"\"",
      " \t\n{\"a\" : [1, 2.0, {\"b\": null}], \"c\": \"x\"} \r\n", "\"\\u00e9\\ud83d\\ude00\"",
      "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
      "[[[[[[]]]]]]", "{\"a\":{\"a\":{\"a\":1}}}", "123456789012345678901234567890",
      // invalid
      "", " ", "{", "}", "[", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}",
      "{'a':1}", "[1 2]", "01", "-", "1.", ".5", "1e", "1e+", "+1", "--1", "0x10", "NaN",
      "Infinity", "tru", "nul", "falsey", "truefalse", "\"abc", "\"\\x\"", "\"\\u12\"",
      "\"\\u12g4\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\tb\"", "\"a\nb\"",
      "\"\x01\"", "\"\xff\"", "\"\xc0\xaf\"", "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"",
      "\"\xf4\x90\x80\x80\"", "\"\xc3\"", "\"\xe2\x82\"", "{} {}", "[] x", "{\"a\":1}}", "[1]]",
      "\"a\"\"b\"",
      // numbers beyond a double (found by fuzz_json_view), and ones just inside
      " -1777777777777777e777", "1e309", "-1e309", "1e308", "1e-400", "[1E400]"};
  for (const char* c : cases) check_agrees(c);
  // An embedded NUL inside a string is a control character for both. After the value nlohmann
  // takes a NUL for the end of the input and ignores what follows; a body with bytes after its
  // value is not JSON, and the engine says so.
  check_agrees(std::string_view("\"a\0b\"", 5));
  CHECK(nlohmann_accepts(std::string_view("[1]\0x", 5)));
  CHECK_FALSE(JsonDocument::parse(std::string_view("[1]\0x", 5), kDeep).ok());
}

TEST_CASE("json_view limits nesting depth like the engine's old check") {
  std::string at_limit = std::string(128, '[') + std::string(128, ']');
  std::string over = std::string(129, '[') + std::string(129, ']');
  CHECK(JsonDocument::parse(at_limit, 128).ok());
  auto deep = JsonDocument::parse(over, 128);
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().code == aksarc::ErrorCode::kInvalidArgument);
  auto bad = JsonDocument::parse("[1,", 128);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == aksarc::ErrorCode::kParse);
  CHECK(bad.error().message == "unexpected end of input");
  CHECK(JsonDocument::parse("[1,x]", 128).error().message == "unexpected character at byte 3");
}

TEST_CASE("json_view reads members, paths, strings and booleans in place") {
  const std::string text =
      R"({"a": {"b": {"c": "deep"}}, "s": "plain", "e": "caf\u00e9 \"q\"", "t": true,
          "n": null, "arr": [1, {"x": 2}, "three"], "dup": 1, "dup": 2, "k\u0065y": "v"})";
  auto doc = JsonDocument::parse(text, 128);
  REQUIRE(doc.ok());
  JsonView root = root_of(doc.value());
  CHECK(root.is_object());
  CHECK(root.find_path({"a", "b", "c"})->plain_string() == "deep");
  CHECK_FALSE(root.find_path({"a", "x", "c"}).has_value());
  CHECK_FALSE(root.find_path({"s", "x"}).has_value());  // a string has no members
  CHECK(root.find("s")->plain_string() == "plain");
  CHECK_FALSE(root.find("e")->plain_string().has_value());  // has escapes: decode it
  CHECK(root.find("e")->string_value() == "caf\xc3\xa9 \"q\"");
  CHECK(root.find("t")->bool_value() == true);
  CHECK_FALSE(root.find("n")->bool_value().has_value());
  CHECK(root.find("n")->is_null());
  CHECK(root.find("dup")->raw() == "2");           // the last one wins, as in nlohmann
  CHECK(root.find("key")->plain_string() == "v");  // escaped member names are decoded
  auto all = root.find_all<3>({"t", "missing", "s"});
  CHECK(all[0]->raw() == "true");
  CHECK_FALSE(all[1].has_value());
  CHECK(all[2]->raw() == "\"plain\"");
  std::vector<std::string> elements;
  root.find("arr")->for_each_element([&](const JsonView& v) { elements.emplace_back(v.raw()); });
  CHECK(elements == std::vector<std::string>{"1", "{\"x\": 2}", "\"three\""});
  CHECK_FALSE(root.find("arr")->find("x").has_value());  // an array has no members
}

TEST_CASE("json_view compares values as nlohmann does") {
  auto doc = JsonDocument::parse(
      R"({"a": "x", "b": "\u0078", "c": 1, "d": 1.0, "e": {"p": 1, "q": 2},
          "f": {"q": 2, "p": 1}, "g": "y", "h": [1, 2], "i": [2, 1]})",
      128);
  REQUIRE(doc.ok());
  JsonView r = root_of(doc.value());
  auto v = [&](const char* k) { return *r.find(k); };
  CHECK(v("a").same_value(v("b")));  // same string, different escapes
  CHECK(v("c").same_value(v("d")));  // 1 == 1.0, as nlohmann compares numbers
  CHECK(v("e").same_value(v("f")));  // member order does not matter
  CHECK_FALSE(v("a").same_value(v("g")));
  CHECK_FALSE(v("h").same_value(v("i")));
  CHECK_FALSE(v("a").same_value(v("c")));
  CHECK(r.find("e")->is_object());
  CHECK_FALSE(r.find("e")->is_empty_object());
}

TEST_CASE("json_view agrees with nlohmann on mutated real AdmissionReviews") {
  // Every fixture, then seeded random truncations, byte flips and insertions of each.
  std::vector<std::string> bodies;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(AKSARC_TESTDATA_DIR) + "/admission")) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    if (s.str().size() < 100000) bodies.push_back(s.str());
  }
  REQUIRE(bodies.size() > 20);
  std::mt19937 rng(20261126);
  const std::string specials =
      "{}[],:\"\\ \x01\x7f\x80\xc3\xff"
      "0e-.tfnu";
  size_t mutants = 0;
  for (const std::string& body : bodies) {
    check_agrees(body);
    for (int i = 0; i < 40; ++i) {
      std::string m = body;
      std::uniform_int_distribution<size_t> at(0, m.size() - 1);
      switch (i % 3) {
        case 0:
          m.resize(at(rng));
          break;
        case 1:
          m[at(rng)] = specials[rng() % specials.size()];
          break;
        default:
          m.insert(at(rng), 1, specials[rng() % specials.size()]);
      }
      check_agrees(m);
      ++mutants;
    }
  }
  CHECK(mutants > 800);
}
