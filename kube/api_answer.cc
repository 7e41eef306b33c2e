#include "kube/api_answer.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace aksarc::kube {
namespace {

// A redirect target without its query (it may carry a login state or a token) for messages.
std::string without_query(std::string_view url) {
  return one_line(url.substr(0, url.find_first_of("?#")));
}

}  // namespace

std::string one_line(std::string_view text, size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars) + 3);
  for (char c : text) {
    if (out.size() >= max_chars) {
      // Never end inside a UTF-8 sequence: drop continuation bytes and their lead byte.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) {
        out.pop_back();
      }
      if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
      out += "...";
      return out;
    }
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? ' ' : c;
  }
  return out;
}

bool NestingScanner::feed(std::string_view piece) {
  for (char c : piece) {
    if (exceeded_) break;
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '[' || c == '{') {
      exceeded_ = ++depth_ > max_depth_;
    } else if ((c == ']' || c == '}') && depth_ > 0) {
      --depth_;
    }
  }
  return exceeded_;
}

bool nesting_exceeds(std::string_view text, int max_depth) {
  return NestingScanner(max_depth).feed(text);
}

Result<json> parse_answer_body(std::string_view body, const std::string& what) {
  if (nesting_exceeds(body)) {
    return parse_error(what + ": the answer nests deeper than " + std::to_string(kMaxAnswerDepth) +
                       " levels");
  }
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return parse_error(what + ": the answer is not JSON");
  return parsed;
}

std::string status_message(std::string_view body) {
  if (nesting_exceeds(body)) return "";
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return "";
  return one_line(string_member(j, "message"));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value) {
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || seconds < 0) {
    return std::nullopt;
  }
  // Large values are kept large (the caller gives up rather than wait), without overflowing.
  constexpr int64_t kCapSeconds = int64_t{1} << 31;
  return std::chrono::milliseconds(std::min(seconds, kCapSeconds) * 1000);
}

bool retryable_status(int status) { return status == 429 || (status >= 500 && status <= 599); }

Result<json> interpret_answer(const ApiAnswer& a, const std::string& url, int attempts) {
  std::string what = "GET " + url + ": HTTP " + std::to_string(a.status);
  if (a.status >= 200 && a.status < 300) return parse_answer_body(a.body, what);
  if (a.status >= 300 && a.status < 400) {
    std::string target = a.location.empty() ? "no Location" : without_query(a.location);
    return invalid_argument(what + " redirect to " + target +
                            ": an API server does not redirect, so the server URL is probably "
                            "wrong (or a login proxy sits in front of it); redirects are not "
                            "followed, as they would carry the credentials elsewhere");
  }
  std::string message = status_message(a.body);
  std::string detail = message.empty() ? what : message + " (" + what + ")";
  switch (a.status) {
    case 401:
      return Error{ErrorCode::kUnauthorized, "the API server rejected the credentials: " + detail};
    case 403:
      return Error{ErrorCode::kForbidden, message.empty() ? what + " Forbidden" : message};
    case 404:
      return Error{ErrorCode::kNotFound, detail};
    default:
      break;
  }
  if (retryable_status(a.status)) {
    return Error{ErrorCode::kUnavailable,
                 detail + " after " + std::to_string(attempts) + " attempts"};
  }
  return invalid_argument(detail);
}

ListMerger::ListMerger(std::string what, int max_pages)
    : what_(std::move(what)), max_pages_(max_pages) {}

Result<std::string> ListMerger::add(json page, const std::function<void(json&)>& trim_item) {
  json* items = page.is_object() && page.contains("items") ? &page["items"] : nullptr;
  if (items == nullptr || !(items->is_array() || items->is_null())) {
    return parse_error("listing " + what_ + ": the answer is not a List");
  }
  std::string next;
  if (const json* token = path(page, {"metadata", "continue"})) next = as_string(*token);
  // A repeated token is the more telling diagnosis, so it is looked for first.
  if (!next.empty() && !seen_tokens_.insert(next).second) {
    return Error{ErrorCode::kInternal,
                 "listing " + what_ + ": the server repeated a continue token (after " +
                     std::to_string(pages_ + 1) + " pages); it would paginate forever"};
  }
  // Items are moved, never copied: a 15,000-pod list would otherwise be held twice.
  json page_items = items->is_array() ? std::move(*items) : json::array();
  std::set<std::string> keys;
  for (const json& item : page_items) {
    const json* meta = object_member(item, "metadata");
    if (meta == nullptr) continue;
    std::string_view name = string_member(*meta, "name");
    if (name.empty()) continue;
    std::string key = std::string(string_member(*meta, "namespace")) + "/" + std::string(name);
    if (previous_page_.count(key) > 0) {
      return Error{ErrorCode::kInternal,
                   "listing " + what_ + ": page " + std::to_string(pages_ + 1) +
                       " repeats objects of the page before (the server ignores the continue "
                       "token and would paginate forever)"};
    }
    keys.insert(std::move(key));
  }
  previous_page_ = std::move(keys);
  if (pages_ == 0) {
    merged_ = std::move(page);
    merged_["items"] = json::array();
    const json* remaining = path(merged_, {"metadata", "remainingItemCount"});
    const size_t more =
        remaining != nullptr && remaining->is_number_unsigned() ? remaining->get<size_t>() : 0;
    // A hint only, capped so a wrong count cannot make us allocate wildly.
    merged_["items"].get_ref<json::array_t&>().reserve(page_items.size() +
                                                       std::min<size_t>(more, 1000000));
  }
  ++pages_;
  json::array_t& all = merged_["items"].get_ref<json::array_t&>();
  for (json& item : page_items.get_ref<json::array_t&>()) {
    if (trim_item) trim_item(item);
    all.push_back(std::move(item));
  }
  if (next.empty()) {
    auto meta = merged_.find("metadata");
    if (meta != merged_.end() && meta->is_object()) {
      meta->erase("continue");
      meta->erase("remainingItemCount");
    }
    return next;
  }
  if (pages_ >= max_pages_) {
    return Error{ErrorCode::kInternal, "listing " + what_ + ": more than " +
                                           std::to_string(max_pages_) +
                                           " pages (the server keeps sending continue tokens)"};
  }
  return next;
}

json ListMerger::take() { return std::move(merged_); }

Result<json> interpret_version(json body, const std::string& url) {
  if (!body.is_object()) {
    return parse_error("GET " + url + ": the answer is not a version object");
  }
  return body;
}

std::vector<std::string> served_group_versions(const json& core, const json& groups) {
  std::vector<std::string> served;
  std::set<std::string> seen;
  auto add = [&](std::string_view gv) {
    if (!gv.empty() && seen.emplace(gv).second) served.emplace_back(gv);
  };
  if (const json* versions = array_member(core, "versions")) {
    for (const json& v : *versions) add(as_string(v));
  }
  if (const json* list = array_member(groups, "groups")) {
    for (const json& group : *list) {
      const json* versions = array_member(group, "versions");
      if (versions == nullptr) continue;
      for (const json& v : *versions) add(string_member(v, "groupVersion"));
    }
  }
  return served;
}

}  // namespace aksarc::kube
