// The admission engine, shaped like Gatekeeper's handler: an early-return ladder (not a review ->
// errored; exempt actor -> allowed), then the rules' findings are split into what denies, what
// warns and what is only recorded, and the response is built from that split.
#include "core/admission.h"

#include <algorithm>
#include <set>
#include <string>

#include "core/actors.h"
#include "core/admission_request.h"
#include "core/json_view.h"

namespace aksarc {
namespace {

constexpr std::string_view kV1 = "admission.k8s.io/v1";
constexpr std::string_view kV1beta1 = "admission.k8s.io/v1beta1";
constexpr size_t kMaxAuditReason = 4096;
// One finding's message in the answer and the log. Rules shorten the values they quote; this
// bounds what they cannot, such as a name or username of megabytes in a hand-made request.
constexpr size_t kMaxFindingMessage = 4096;

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence, marking the cut with "...".
std::string truncate_utf8(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  s += "...";
  return s;
}

json review_envelope(std::string_view api_version, json response) {
  return json{
      {"apiVersion", api_version}, {"kind", "AdmissionReview"}, {"response", std::move(response)}};
}

ReviewOutcome errored(std::string_view api_version, std::string_view uid, int code,
                      std::string message) {
  ReviewOutcome out;
  json status = {{"code", code},
                 {"reason", code == 500 ? "InternalError" : "BadRequest"},
                 {"message", message}};
  out.review = review_envelope(
      api_version, json{{"uid", uid}, {"allowed", false}, {"status", std::move(status)}});
  out.http_status = code;
  out.record.uid = uid;
  out.record.decision = "error";
  out.record.reason = std::move(message);
  return out;
}

// An AdmissionReview whose request cannot be judged. When the request names its uid, the API
// server can match the answer to its call: it gets the errored review with HTTP 200, the only
// status whose body the API server reads, so the denial and its message reach the user (any
// other status is a failed call, which the webhook's failurePolicy would turn into an error
// without the message, or into an allowed write). Without a uid no answer can be matched, so
// the body is not a request the API server sent: HTTP 400.
ReviewOutcome unjudgeable(std::string_view api_version, std::string_view uid, std::string message) {
  ReviewOutcome out = errored(api_version, uid, 400, std::move(message));
  if (!uid.empty()) out.http_status = 200;
  return out;
}

// The apiVersion to answer in: the one asked, when it is one we speak.
std::optional<std::string_view> answer_version(std::string_view asked) {
  if (asked == kV1) return kV1;
  if (asked == kV1beta1) return kV1beta1;
  return std::nullopt;
}

// The member's string, decoded, or "" when absent or not a string (string_member for views).
std::string text_of(const std::optional<JsonView>& m) {
  if (!m || !m->is_string()) return {};
  return *m->string_value();
}

// A member as an error message shows it: a string quoted (its first 60 bytes), else its type.
std::string described(const std::optional<JsonView>& m) {
  if (!m) return "nothing";
  if (m->is_string()) return "\"" + truncate_utf8(*m->string_value(), 60) + "\"";
  return std::string(type_phrase(m->type()));
}

// The members of the envelope, read in one pass.
struct Envelope {
  std::optional<JsonView> api_version, kind, request, uid, operation;
};

Envelope read_envelope(const JsonView& doc) {
  auto f = doc.find_all<5>({"apiVersion", "kind", "request", "uid", "operation"});
  return {f[0], f[1], f[2], f[3], f[4]};
}

std::optional<ReviewOutcome> check_envelope(const JsonView& doc, const Envelope& e) {
  if (!doc.is_object()) {
    return errored(kV1, "", 400, "request body must be a JSON object (an AdmissionReview)");
  }
  if (text_of(e.kind) != "AdmissionReview") {
    if (e.uid && e.operation) {
      return errored(kV1, text_of(e.uid), 400,
                     "got a bare AdmissionRequest: wrap it as {\"apiVersion\": "
                     "\"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\", \"request\": ...}");
    }
    return errored(kV1, "", 400, "kind must be AdmissionReview");
  }
  const std::string asked = text_of(e.api_version);
  if (!answer_version(asked)) {
    return errored(kV1, "", 400,
                   "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, got " +
                       described(e.api_version));
  }
  if (!e.request || e.request->is_null()) {
    return errored(*answer_version(asked), "", 400, "request: missing (expected an object)");
  }
  if (!e.request->is_object()) {
    return errored(*answer_version(asked), "", 400,
                   "request: expected an object, got " + described(e.request));
  }
  return std::nullopt;
}

void fill_record(DecisionRecord& rec, const AdmissionRequest& r) {
  rec.uid = r.uid;
  rec.user = r.user.username;
  rec.operation = to_string(r.operation);
  rec.kind = r.kind.kind;
  rec.namespace_ = r.namespace_;
  rec.name = r.name;
}

// The findings split by what they do to the response.
struct Verdict {
  std::vector<std::string> deny_messages;
  std::vector<std::string> warnings;
  std::vector<std::string> rules;    // rule IDs with findings, in rule order, unique
  std::vector<std::string> reasons;  // every finding's message, for audit and logs
  bool any_warn = false, any_audit = false, any_dry_run = false;
};

void add_unique(std::vector<std::string>& list, const std::string& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

Verdict judge(const std::vector<Finding>& findings, const PolicyConfig& config) {
  Verdict v;
  for (const Finding& f : findings) {
    add_unique(v.rules, f.rule_id);
    std::string message = truncate_utf8(f.message, kMaxFindingMessage);
    v.reasons.push_back(message);
    std::string warning =
        truncate_utf8(f.summary.empty() ? f.message : f.summary, kMaxWarningLength);
    if (f.severity == Severity::kNotice) {
      if (!config.dry_run) add_unique(v.warnings, warning);
      continue;
    }
    if (config.dry_run) {
      v.any_dry_run = true;
      continue;
    }
    switch (config.mode_of(f.rule_id)) {
      case Mode::kDeny:
        // The denial's message already says it all; a warning would print it twice.
        v.deny_messages.push_back(std::move(message));
        break;
      case Mode::kWarn:
        v.any_warn = true;
        add_unique(v.warnings, warning);
        break;
      case Mode::kAudit:
        v.any_audit = true;
        break;
    }
  }
  return v;
}

std::string decision_of(const Verdict& v) {
  if (!v.deny_messages.empty()) return "deny";
  if (v.any_warn) return "warn";
  if (v.any_audit) return "audit";
  if (v.any_dry_run) return "dry-run";
  return "allow";
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

json build_response(const AdmissionRequest& r, const Verdict& v, const std::string& decision) {
  json response = {{"uid", r.uid}, {"allowed", v.deny_messages.empty()}};
  if (!v.deny_messages.empty()) {
    response["status"] = {
        {"code", 403}, {"reason", "Forbidden"}, {"message", join(v.deny_messages, "\n")}};
  }
  if (!v.warnings.empty()) response["warnings"] = v.warnings;
  if (!v.rules.empty()) {
    // The API server stores these in the audit event, prefixed with the webhook's name.
    response["auditAnnotations"] = {
        {"decision", decision},
        {"rule", join(v.rules, ",")},
        {"reason", truncate_utf8(join(v.reasons, " | "), kMaxAuditReason)}};
  }
  return response;
}

}  // namespace

ReviewOutcome review_view(const JsonView& doc, const Policy& policy) {
  const Envelope envelope = read_envelope(doc);
  if (std::optional<ReviewOutcome> bad = check_envelope(doc, envelope)) return std::move(*bad);
  std::string_view api_version = *answer_version(text_of(envelope.api_version));
  const JsonView& request = *envelope.request;
  Result<AdmissionRequest> parsed = read_admission_request(request);
  if (!parsed.ok()) {
    return unjudgeable(api_version, text_of(request.find("uid")), parsed.error().message);
  }
  const AdmissionRequest& r = parsed.value();
  if (Status content = check_request_content(r); !content.ok()) {
    ReviewOutcome out = unjudgeable(api_version, std::string(r.uid), content.error().message);
    fill_record(out.record, r);
    return out;
  }
  ReviewOutcome out;
  fill_record(out.record, r);
  if (is_system_actor(r, policy.config())) {
    out.record.decision = "exempt";
    out.review = review_envelope(api_version, json{{"uid", r.uid}, {"allowed", true}});
    return out;
  }
  std::vector<Finding> findings;
  RuleContext ctx = policy.context();
  for (const auto& rule : policy.rules()) rule->evaluate(r, ctx, findings);
  Verdict verdict = judge(findings, policy.config());
  std::string decision = decision_of(verdict);
  out.review = review_envelope(api_version, build_response(r, verdict, decision));
  out.record.decision = std::move(decision);
  out.record.rules = std::move(verdict.rules);
  out.record.reason = join(verdict.reasons, " | ");
  return out;
}

ReviewOutcome review_outcome(const json& admission_review, const Policy& policy) {
  return review_text(admission_review.dump(-1, ' ', false, json::error_handler_t::replace), policy);
}

json review(const json& admission_review, const Policy& policy) {
  return review_outcome(admission_review, policy).review;
}

ReviewOutcome review_text(std::string_view body, const Policy& policy) noexcept {
  try {
    if (body.empty()) return errored(kV1, "", 400, "request body is empty");
    Result<JsonDocument> doc = JsonDocument::parse(body, kMaxJsonDepth);
    if (!doc.ok()) {
      if (doc.error().code == ErrorCode::kInvalidArgument) {
        return errored(
            kV1, "", 400,
            "request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
      }
      return errored(kV1, "", 400, "request body is not valid JSON: " + doc.error().message);
    }
    return review_view(doc.value().root(), policy);
  } catch (const std::exception&) {
    // The message of a library exception may quote input; say only what the caller needs.
    return errored(kV1, "", 500, "internal error while reviewing the request");
  } catch (...) {
    return errored(kV1, "", 500, "internal error while reviewing the request");
  }
}

std::string serialize_review(const json& review) {
  return review.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace aksarc
