#pragma once
// Runs the chosen checks over a ClusterState and sums them up in a verdict; renders the report as
// the versioned JSON document of `-o json|yaml`.

#include <set>
#include <string>
#include <vector>

#include "core/checks/check.h"

namespace aksarc {

enum class Verdict { kSupported, kAtRisk, kUnsupported, kUnknown };
std::string_view to_string(Verdict verdict);  // "Supported", "AtRisk", "Unsupported", "Unknown"

inline constexpr std::string_view kReportApiVersion = "aksarc-support.io/v1alpha1";

struct Report {
  std::string cluster;     // where the state came from
  std::string platform;    // to_string(Platform), and whether detected or given
  std::string as_of;       // the date judged at
  std::string data_as_of;  // age of the embedded policy data
  Verdict verdict = Verdict::kUnknown;
  std::vector<CheckResult> results;
};

// Which checks run: all, or only `only` (when not empty), minus `skip`. Unknown IDs are an
// error naming them (so a typo in CI does not silently skip a check).
Result<std::vector<const Check*>> select_checks(const std::set<std::string>& only,
                                                const std::set<std::string>& skip);

// Runs the checks; a skipped-by-flag check is not run and not reported. The verdict is
// verdict_of(results), except that a cluster detected as not AKS Arc is Unknown unless a check
// failed.
Report run_checks(const std::vector<const Check*>& checks, const ClusterState& state,
                  const CheckContext& ctx);

// Any fail -> Unsupported; else any warn or unknown -> AtRisk; else Supported. No results at
// all -> Unknown.
Verdict verdict_of(const std::vector<CheckResult>& results);

// Exit code of `check`: 0 Supported, 2 AtRisk or Unknown, 3 Unsupported.
int exit_code_of(Verdict verdict);

// {apiVersion, kind: SupportReport, cluster, platform, asOf, dataAsOf, verdict,
//  summary: {pass, info, warn, fail, unknown, skipped}, findings: [{id, rule, status, message,
//  evidence: [{kind, namespace, name, field, value}], remediation}]}
json report_to_json(const Report& report, bool only_failed = false);

}  // namespace aksarc
