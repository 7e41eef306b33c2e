#include "core/json_access.h"

#include <doctest/doctest.h>

using aksarc::json;

TEST_CASE("accessors never throw and never create keys") {
  const json j = json::parse(R"({"a": {"b": "x", "n": 3, "t": true}, "arr": [1], "nul": null})");
  CHECK(aksarc::string_member(j.at("a"), "b") == "x");
  CHECK(aksarc::string_member(j.at("a"), "n").empty());  // wrong type -> empty
  CHECK(aksarc::string_member(j, "missing").empty());
  CHECK(aksarc::bool_member(j.at("a"), "t") == true);
  CHECK_FALSE(aksarc::bool_member(j.at("a"), "b"));
  CHECK(aksarc::object_member(j, "nul") == nullptr);
  CHECK(aksarc::object_member(j, "arr") == nullptr);
  CHECK(aksarc::array_member(j, "arr") != nullptr);
  CHECK(aksarc::path(j, {"a", "b"}) != nullptr);
  CHECK(aksarc::path(j, {"a", "b", "c"}) == nullptr);
  CHECK(aksarc::member(json(5), "a") == nullptr);
  CHECK(aksarc::as_string(json(5)).empty());
  CHECK(j.size() == 3);
}
