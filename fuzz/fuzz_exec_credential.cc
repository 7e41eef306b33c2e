// libFuzzer target: what an exec credential plugin (kubelogin, ...) prints on stdout, read by
// parse_exec_credential for both apiVersions the plugin supports (client.authentication.k8s.io/v1
// and v1beta1), and the input as a bare timestamp for parse_rfc3339.
//
// Invariants: no crash, leak, UB or escaping exception; a rejected answer is a kParse error with
// a non-empty message that never quotes the token the plugin printed (the same answer with
// another token gets the same message); an accepted answer has a
// token or a certificate with its key, and only for the apiVersion it names; a timestamp that
// parses, printed again as UTC, parses back to the same instant (or saturates, beyond
// system_clock's range).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>

#include "core/json_access.h"
#include "kube/exec_credential.h"

namespace {

using aksarc::kube::parse_rfc3339;

constexpr std::string_view kApiVersions[] = {"client.authentication.k8s.io/v1",
                                             "client.authentication.k8s.io/v1beta1"};

aksarc::Result<aksarc::kube::Credentials> parse(std::string_view text,
                                                std::string_view api_version) {
  aksarc::kube::ExecConfig exec;
  exec.api_version = std::string(api_version);
  exec.command = "fuzz-plugin";
  return aksarc::kube::parse_exec_credential(text, exec);
}

// The same answer with another non-empty status.token, when the input has one: a message that
// never quotes the token is the same for both. (Looking for the token in the message instead
// fails on tokens that happen to spell the message's own words, which the fuzzer finds.)
std::string with_other_token(std::string_view text) {
  aksarc::json doc = aksarc::json::parse(text, nullptr, false);
  if (!doc.is_object()) return {};
  auto status = doc.find("status");
  if (status == doc.end() || !status->is_object()) return {};
  auto token = status->find("token");
  if (token == status->end() || !token->is_string() || token->get<std::string>().empty()) {
    return {};
  }
  *token = token->get<std::string>() == "other" ? "another" : "other";
  return doc.dump();
}

// Returns whether the answer was accepted for `api_version`.
bool check_credential(std::string_view text, std::string_view api_version,
                      const std::string& other) {
  auto creds = parse(text, api_version);
  if (!other.empty()) {
    auto again = parse(other, api_version);
    if (again.ok() != creds.ok()) std::abort();
    if (!creds.ok() && again.error().message != creds.error().message) std::abort();
  }
  if (!creds.ok()) {
    const aksarc::Error& e = creds.error();
    if (e.code != aksarc::ErrorCode::kParse || e.message.empty()) std::abort();
    return false;
  }
  const aksarc::kube::Credentials& c = creds.value();
  if (c.bearer_token.empty() && c.client_cert_pem.empty()) std::abort();
  if (c.client_cert_pem.empty() != c.client_key_pem.empty()) std::abort();
  aksarc::json doc = aksarc::json::parse(text, nullptr, false);
  if (!doc.is_object() || aksarc::string_member(doc, "apiVersion") != api_version) std::abort();
  return true;
}

// Prints `t` as RFC 3339 in UTC; empty when the year has no four-digit form.
std::string format_utc(std::chrono::system_clock::time_point t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  if (gmtime_r(&seconds, &tm) == nullptr || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) {
    return {};
  }
  char buf[32];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

void check_timestamp(std::string_view text) {
  using TimePoint = std::chrono::system_clock::time_point;
  auto parsed = parse_rfc3339(text);
  // min() and max() stand for every instant beyond system_clock's range: not one instant.
  if (!parsed || *parsed == TimePoint::min() || *parsed == TimePoint::max()) return;
  std::string again = format_utc(*parsed);
  if (again.empty()) return;
  auto reparsed = parse_rfc3339(again);
  if (!reparsed || *reparsed != *parsed) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string other = with_other_token(text);
  int accepted = 0;
  for (std::string_view api_version : kApiVersions) {
    accepted += check_credential(text, api_version, other) ? 1 : 0;
  }
  if (accepted > 1) std::abort();  // an answer names one apiVersion
  check_timestamp(text);
  // Timestamps usually arrive inside the JSON; the first line alone reaches the parser's edge
  // cases faster than a mutated document does.
  check_timestamp(text.substr(0, text.find('\n')));
  return 0;
}
