// kube/api_answer: what the client makes of an API server's answers, without sockets.

#include "kube/api_answer.h"

#include <doctest/doctest.h>

#include <string>

namespace aksarc::kube {
namespace {

constexpr const char* kUrl = "https://10.0.0.5:6443/api/v1/nodes";

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("api answer: one_line removes control characters and cuts long text") {
  CHECK(one_line("a\nb\r\tc\x1b[31mred") == "a b  c [31mred");
  CHECK(one_line(std::string(1000, 'x')).size() == kMaxQuotedChars + 3);
  CHECK(one_line("abcdef", 3) == "abc...");
  // "é" is two bytes: a cut inside it drops it whole.
  CHECK(one_line("ab\xc3\xa9z", 3) == "ab...");
  CHECK(one_line("") == "");
}

TEST_CASE("api answer: nesting depth is measured outside strings") {
  CHECK_FALSE(nesting_exceeds(R"({"a":[1,{"b":2}]})", 3));
  CHECK(nesting_exceeds(R"({"a":[1,{"b":2}]})", 2));
  CHECK(nesting_exceeds(R"({"a":[{"b":[]}]})", 3));
  CHECK_FALSE(nesting_exceeds(R"({"a":"[[[[[[[[[[\"[[[[["})", 2));
  CHECK(nesting_exceeds(std::string(100000, '['), kMaxAnswerDepth));
  CHECK_FALSE(nesting_exceeds(std::string(100000, ']'), 1));
}

TEST_CASE("api answer: the scanner keeps its state across pieces") {
  NestingScanner scanner(2);
  CHECK_FALSE(scanner.feed("[\"[[[\\"));
  CHECK_FALSE(scanner.feed("\"[[\"["));  // the escaped quote kept the string open
  CHECK(scanner.feed("["));
  CHECK(scanner.exceeded());
  CHECK(scanner.feed("]]]"));  // once exceeded, stays so
}

TEST_CASE("api answer: a body nested too deep is refused before parsing") {
  std::string deep = std::string(kMaxAnswerDepth + 1, '[') + std::string(kMaxAnswerDepth + 1, ']');
  auto r = parse_answer_body(deep, "GET x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kParse);
  CHECK(has(r.error().message, "nests deeper than"));
  std::string fine = std::string(kMaxAnswerDepth, '[') + std::string(kMaxAnswerDepth, ']');
  CHECK(parse_answer_body(fine, "GET x").ok());
}

TEST_CASE("api answer: status message of a Status body, on one line") {
  CHECK(status_message(R"({"kind":"Status","message":"nodes is forbidden"})") ==
        "nodes is forbidden");
  CHECK(status_message(R"({"message":"line one\nline two"})") == "line one line two");
  CHECK(status_message("<html>502 Bad Gateway</html>") == "");
  CHECK(status_message(R"(["message"])") == "");
  CHECK(status_message(R"({"message":42})") == "");
  CHECK(status_message(R"({"message":")" + std::string(5000, 'm') + "\"}").size() ==
        kMaxQuotedChars + 3);
}

TEST_CASE("api answer: Retry-After in seconds only") {
  CHECK(parse_retry_after("1") == std::chrono::milliseconds(1000));
  CHECK(parse_retry_after("0") == std::chrono::milliseconds(0));
  CHECK_FALSE(parse_retry_after(""));
  CHECK_FALSE(parse_retry_after("-1"));
  CHECK_FALSE(parse_retry_after("1.5"));
  CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
  CHECK_FALSE(parse_retry_after("99999999999999999999999"));
  // Huge but valid: kept huge (the client then gives up instead of waiting), no overflow.
  auto huge = parse_retry_after("9223372036854775807");
  REQUIRE(huge);
  CHECK(*huge > std::chrono::hours(24));
}

TEST_CASE("api answer: status codes map to errors naming the request") {
  auto ok = interpret_answer({200, R"({"kind":"NodeList","items":[]})", "", ""}, kUrl, 1);
  REQUIRE(ok.ok());
  CHECK(string_member(ok.value(), "kind") == "NodeList");

  auto not_json = interpret_answer({200, "<html>", "", ""}, kUrl, 1);
  REQUIRE_FALSE(not_json.ok());
  CHECK(not_json.error().code == ErrorCode::kParse);
  CHECK(has(not_json.error().message, kUrl));
  CHECK(has(not_json.error().message, "not JSON"));

  auto unauthorized = interpret_answer({401, R"({"message":"Unauthorized"})", "", ""}, kUrl, 1);
  CHECK(unauthorized.error().code == ErrorCode::kUnauthorized);
  CHECK(has(unauthorized.error().message, "rejected the credentials"));

  auto forbidden =
      interpret_answer({403, R"({"message":"nodes is forbidden: User"})", "", ""}, kUrl, 1);
  CHECK(forbidden.error().code == ErrorCode::kForbidden);
  CHECK(forbidden.error().message == "nodes is forbidden: User");
  CHECK(interpret_answer({403, "", "", ""}, kUrl, 1).error().message ==
        std::string("GET ") + kUrl + ": HTTP 403 Forbidden");

  CHECK(interpret_answer({404, "{}", "", ""}, kUrl, 1).error().code == ErrorCode::kNotFound);

  auto throttled = interpret_answer({429, R"({"message":"slow down"})", "1", ""}, kUrl, 4);
  CHECK(throttled.error().code == ErrorCode::kUnavailable);
  CHECK(has(throttled.error().message, "slow down"));
  CHECK(has(throttled.error().message, "after 4 attempts"));

  CHECK(interpret_answer({503, "", "", ""}, kUrl, 2).error().code == ErrorCode::kUnavailable);
  CHECK(interpret_answer({418, "", "", ""}, kUrl, 1).error().code == ErrorCode::kInvalidArgument);
  CHECK(interpret_answer({0, "", "", ""}, kUrl, 1).error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("api answer: a redirect is named, with its target but not its query") {
  auto r = interpret_answer({302, "", "", "https://login.example.com/oauth?state=s3cr3t&then=/api"},
                            kUrl, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidArgument);
  CHECK(has(r.error().message, "HTTP 302 redirect to https://login.example.com/oauth"));
  CHECK_FALSE(has(r.error().message, "s3cr3t"));
  CHECK(has(interpret_answer({307, "", "", ""}, kUrl, 1).error().message, "no Location"));
}

TEST_CASE("api answer: LIST pages merge into one List") {
  ListMerger merger("nodes", 10);
  auto first = merger.add(json::parse(
      R"({"kind":"NodeList","apiVersion":"v1","metadata":{"continue":"a","remainingItemCount":1,
          "resourceVersion":"7"},"items":[{"metadata":{"name":"n1"}}]})"));
  REQUIRE(first.ok());
  CHECK(first.value() == "a");
  int trimmed = 0;
  auto second = merger.add(
      json::parse(R"({"metadata":{"continue":""},"items":[{"metadata":{"name":"n2"}}]})"),
      [&trimmed](json&) { ++trimmed; });
  REQUIRE(second.ok());
  CHECK(second.value().empty());
  CHECK(trimmed == 1);
  json list = merger.take();
  CHECK(string_member(list, "kind") == "NodeList");
  CHECK(list["items"].size() == 2);
  CHECK(list["metadata"] == json{{"resourceVersion", "7"}});
}

TEST_CASE("api answer: pages that are not Lists are refused") {
  for (const char* body : {R"([])", R"("x")", R"({"kind":"Status"})", R"({"items":{}})",
                           R"({"items":"x"})", R"(null)"}) {
    ListMerger merger("nodes", 10);
    auto r = merger.add(json::parse(body));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kParse);
    CHECK(has(r.error().message, "listing nodes: the answer is not a List"));
  }
  ListMerger null_items("nodes", 10);
  auto r = null_items.add(json::parse(R"({"items":null})"));
  REQUIRE(r.ok());
  CHECK(null_items.take()["items"] == json::array());
  // Odd metadata is tolerated: the continue token is read only when it is a string.
  ListMerger odd("nodes", 10);
  auto odd_meta = odd.add(json::parse(R"({"metadata":{"continue":5},"items":[]})"));
  REQUIRE(odd_meta.ok());
  CHECK(odd_meta.value().empty());
}

TEST_CASE("api answer: endless and repeating pagination end with an error") {
  ListMerger repeat("pods in kube-system", 100);
  REQUIRE(repeat.add(json::parse(R"({"metadata":{"continue":"same"},"items":[]})")).ok());
  auto again = repeat.add(json::parse(R"({"metadata":{"continue":"same"},"items":[]})"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::kInternal);
  CHECK(has(again.error().message, "repeated a continue token"));

  ListMerger endless("nodes", 3);
  Result<std::string> r = std::string();
  for (int page = 0; page < 3; ++page) {
    r = endless.add(
        json{{"metadata", {{"continue", "t" + std::to_string(page)}}}, {"items", json::array()}});
  }
  REQUIRE_FALSE(r.ok());
  CHECK(has(r.error().message, "more than 3 pages"));
}

TEST_CASE("api answer: a page repeating the objects of the page before ends the list") {
  // A server that ignores the continue token answers the first page again with a new token:
  // caught on the second page, not after max_pages requests.
  ListMerger merger("nodes", 10000);
  const char* page =
      R"({"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}],"metadata":{"continue":"%"}})";
  auto with_token = [&](const char* token) {
    std::string text(page);
    text.replace(text.find('%'), 1, token);
    return json::parse(text);
  };
  REQUIRE(merger.add(with_token("t1")).ok());
  auto again = merger.add(with_token("t2"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::kInternal);
  CHECK(has(again.error().message, "listing nodes: page 2 repeats objects of the page before"));
  // Same names in other namespaces, and objects without names, are not repeats.
  ListMerger namespaced("pods in all namespaces", 10);
  REQUIRE(namespaced
              .add(json::parse(R"({"metadata":{"continue":"x"},"items":[
      {"metadata":{"name":"p","namespace":"a"}},{"metadata":{}},7]})"))
              .ok());
  auto next = namespaced.add(json::parse(R"({"items":[
      {"metadata":{"name":"p","namespace":"b"}},{"metadata":{}},7]})"));
  REQUIRE(next.ok());
  CHECK(namespaced.take()["items"].size() == 6);
}

TEST_CASE("api answer: /version must be an object") {
  CHECK(interpret_version(json::parse(R"({"gitVersion":"v1.31.1"})"), "u").ok());
  CHECK(interpret_version(json::object(), "u").ok());  // the check says gitVersion is missing
  for (const char* body : {"[]", "\"v1.31\"", "null", "3"}) {
    auto r = interpret_version(json::parse(body), "https://h/version");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::kParse);
    CHECK(has(r.error().message, "https://h/version"));
  }
}

TEST_CASE("api answer: discovery lists core and group versions, skipping odd members") {
  json core = json::parse(R"({"versions":["v1", 5, null, "v1"]})");
  json groups = json::parse(R"({"groups":[
      {"name":"apps","versions":[{"groupVersion":"apps/v1"},{"groupVersion":7},"x"]},
      {"name":"broken","versions":"apps/v1"}, 3,
      {"versions":[{"groupVersion":"resource.k8s.io/v1alpha3"}]}]})");
  CHECK(served_group_versions(core, groups) ==
        std::vector<std::string>{"v1", "apps/v1", "resource.k8s.io/v1alpha3"});
  CHECK(served_group_versions(json::array(), json("x")).empty());
}

}  // namespace
}  // namespace aksarc::kube
