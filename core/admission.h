#pragma once
// The admission engine: AdmissionReview in, AdmissionReview out. Pure: no I/O, clock or
// environment. Thread-safe for concurrent calls with the same Policy.
//
// Answers in the apiVersion it was asked (admission.k8s.io/v1 or v1beta1), echoes the uid, and
// answers malformed input with an errored review (allowed: false, status.code 400) instead of
// failing: with HTTP 200 when it is an AdmissionReview whose request has a uid but cannot be
// judged (unknown operation, a member of the wrong type, no object on CREATE ...), so the API
// server reads the denial; with HTTP 400 when the body is not an AdmissionReview it could have
// sent (not JSON, too deep, another kind or version, no request, no uid). Every request a rule
// matched carries auditAnnotations {decision, rule, reason}.

#include <string>
#include <string_view>
#include <vector>

#include "core/json_access.h"
#include "core/json_view.h"
#include "core/policy.h"

namespace aksarc {

// What was decided, for the decision log and metrics. Owns its strings.
struct DecisionRecord {
  std::string uid;
  std::string user;
  std::string operation;
  std::string kind;
  std::string namespace_;
  std::string name;
  // "allow" (no rule matched), "exempt" (system actor), "deny", "warn", "audit",
  // "dry-run" (would have been denied or warned), "error" (malformed review)
  std::string decision;
  std::vector<std::string> rules;  // IDs of the rules whose findings shaped the decision
  std::string reason;              // the messages, joined; or the error
};

struct ReviewOutcome {
  json review;            // the AdmissionReview to send back
  int http_status = 200;  // 400 when the body was not an AdmissionReview with a request uid
  DecisionRecord record;
};

// Judges a parsed AdmissionReview (tools and tests; the webhook judges text).
ReviewOutcome review_outcome(const json& admission_review, const Policy& policy);

// Judges an AdmissionReview read in place (core/json_view.h): what review_text does after
// validating the body.
ReviewOutcome review_view(const JsonView& admission_review, const Policy& policy);

// review(AdmissionReview) -> AdmissionReview.
json review(const json& admission_review, const Policy& policy);

// Judges a request body (JSON text). Never throws: invalid JSON, nesting deeper than
// kMaxJsonDepth and any internal failure become errored reviews.
ReviewOutcome review_text(std::string_view body, const Policy& policy) noexcept;

// The review as JSON text for the HTTP response (invalid UTF-8, which cannot come from a parsed
// body, would be replaced rather than throw).
std::string serialize_review(const json& review);

inline constexpr size_t kMaxJsonDepth = 128;
inline constexpr size_t kMaxWarningLength = 120;

}  // namespace aksarc
