#pragma once
// What the client makes of an API server's answers, as pure functions of their bytes: an HTTP
// status and body mapped to JSON or to an Error, the metav1.Status message, Retry-After, LIST pages
// checked and merged into one List, and /version and discovery interpreted. No I/O, no clock: the
// server is untrusted input, so this is where it is unit-tested and fuzzed
// (fuzz/fuzz_api_response.cc) apart from sockets. kube/client.cc and kube/fetch.cc use it.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_access.h"
#include "core/result.h"

namespace aksarc::kube {

// Nesting deeper than this is refused before parsing: nothing Kubernetes serves comes near it
// (objects nest a few dozen levels), while copying, printing or walking a value recurses once per
// level and a hostile answer of "[[[[..." would overflow the stack.
inline constexpr int kMaxAnswerDepth = 512;

// Server text (Status messages, headers) quoted in our messages is cut to this many characters.
inline constexpr size_t kMaxQuotedChars = 300;

// The parts of one HTTP answer the client reads.
struct ApiAnswer {
  int status = 0;
  std::string body;
  std::string retry_after;  // the Retry-After header; "" when absent
  std::string location;     // the Location header (redirects); "" when absent
};

// `text` made safe to print on one line: control characters (newlines, ESC of terminal escape
// sequences) become spaces, and it is cut to `max_chars` bytes (then "..." is appended, never
// splitting a UTF-8 sequence). Pure.
std::string one_line(std::string_view text, size_t max_chars = kMaxQuotedChars);

// Measures how deep arrays/objects nest in a text fed in pieces (a file read in chunks); brackets
// inside strings are not counted. Linear, no allocation; for any bytes, JSON or not.
class NestingScanner {
 public:
  explicit NestingScanner(int max_depth = kMaxAnswerDepth) : max_depth_(max_depth) {}
  // Scans the next piece; returns true once the nesting went deeper than max_depth.
  bool feed(std::string_view piece);
  bool exceeded() const { return exceeded_; }

 private:
  int max_depth_;
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  bool exceeded_ = false;
};

// True when `text` nests arrays/objects deeper than `max_depth` (NestingScanner on all of it).
bool nesting_exceeds(std::string_view text, int max_depth = kMaxAnswerDepth);

// Parses an answer body: kParse "WHAT: the answer is not JSON" (or "... nests deeper than N
// levels"). Pure.
Result<json> parse_answer_body(std::string_view body, const std::string& what);

// The message of a metav1.Status body through one_line(), or "" when the body is not a JSON
// object with a string `message`. Pure.
std::string status_message(std::string_view body);

// Retry-After in its delay-seconds form; nullopt when empty, negative, not a number or an HTTP
// date (the caller's own backoff applies then). Pure.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value);

// 429 and 5xx: worth asking again.
bool retryable_status(int status);

// The JSON of a final answer to GET `url` after `attempts` attempts, or the Error it means:
// 2xx -> the body (kParse when it is not JSON); 401 kUnauthorized; 403 kForbidden (the server's
// message alone: it names verb, resource and user); 404 kNotFound; 3xx kInvalidArgument naming
// the redirect (API servers do not redirect: the URL is wrong or a login proxy sits in front);
// 429/5xx kUnavailable "... after N attempts"; other codes kInvalidArgument. Messages quote the
// server's Status message through one_line(). Pure.
Result<json> interpret_answer(const ApiAnswer& answer, const std::string& url, int attempts);

// Merges the pages of one LIST into a single List object, page by page as they arrive, so a big
// list is never held twice. `what` names the list in messages ("nodes", "pods in kube-system").
class ListMerger {
 public:
  ListMerger(std::string what, int max_pages);

  // Adds one page (the parsed answer). Items are moved out of it, each passed through
  // `trim_item` first when that is set. Returns the continue token to ask for next, "" when the
  // list is complete. Errors: kParse when the page is not a List (no `items` array or null);
  // kInternal when the server would paginate forever: it repeats a continue token, sends again
  // an object of the previous page (pages of one LIST never overlap: it ignores the token), or
  // goes past max_pages pages.
  Result<std::string> add(json page, const std::function<void(json&)>& trim_item = nullptr);

  // The List: the first page's members (kind, apiVersion, metadata without continue and
  // remainingItemCount) with every page's items. Call once, after add() returned "".
  json take();

 private:
  std::string what_;
  int max_pages_;
  int pages_ = 0;
  json merged_;
  std::set<std::string> seen_tokens_;
  std::set<std::string> previous_page_;  // namespace/name of the last page's objects
};

// The /version answer: kParse when it is not a JSON object (the checks read its gitVersion and
// say so themselves when that is missing or not a version). Pure.
Result<json> interpret_version(json body, const std::string& url);

// Every group/version that discovery announces: the `versions` of the /api answer (APIVersions)
// and each group's `versions[].groupVersion` of the /apis answer (APIGroupList). Members of other
// types are skipped; duplicates are kept once, in order of appearance. Pure.
std::vector<std::string> served_group_versions(const json& core, const json& groups);

}  // namespace aksarc::kube
