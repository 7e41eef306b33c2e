#pragma once
// A rule judges one admission request and reports findings. Rules are pure and thread-safe:
// evaluate() may run on many threads at once.

#include <string>
#include <string_view>
#include <vector>

#include "core/admission_request.h"
#include "core/policy_config.h"
#include "core/policy_data.h"

namespace aksarc {

enum class Severity {
  kViolation,  // breaks the policy: the rule's mode (deny/warn/audit) applies
  kNotice,     // worth telling (unknown gate, already enabled): always a warning, never a denial
};

struct Finding {
  std::string rule_id;  // policy ID, e.g. "NODE-2"
  Severity severity = Severity::kViolation;
  std::string message;  // the full explanation: object, field, old/new value, remedy
  std::string summary;  // one short line (the warning kubectl shows; cut to 120 chars later)
};

// Everything a rule may read besides the request.
struct RuleContext {
  const PolicyConfig& config;
  const PolicyData& data;
  KubeVersion cluster_version;  // configured, discovered, or the data's newest minor
  bool cluster_version_known = true;
};

class Rule {
 public:
  virtual ~Rule() = default;
  // The policy rule ID this rule enforces.
  virtual std::string_view id() const = 0;
  // Appends findings for `request` to `out`. Never throws on any input.
  virtual void evaluate(const AdmissionRequest& request, const RuleContext& ctx,
                        std::vector<Finding>& out) const = 0;
};

}  // namespace aksarc
