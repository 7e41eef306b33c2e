#include "core/report.h"

#include <algorithm>

#include "core/checks/registry.h"

namespace aksarc {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSupported:
      return "Supported";
    case Verdict::kAtRisk:
      return "AtRisk";
    case Verdict::kUnsupported:
      return "Unsupported";
    case Verdict::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

Result<std::vector<const Check*>> select_checks(const std::set<std::string>& only,
                                                const std::set<std::string>& skip) {
  std::string unknown;
  for (const std::set<std::string>* ids : {&only, &skip}) {
    for (const std::string& id : *ids) {
      if (find_check(id) == nullptr) unknown += (unknown.empty() ? "" : ", ") + id;
    }
  }
  if (!unknown.empty()) {
    return invalid_argument("unknown check ID(s): " + unknown +
                            " (list them with `kubectl aksarc-support checks`)");
  }
  std::vector<const Check*> chosen;
  for (const auto& c : all_checks()) {
    std::string id(c->id());
    if (!only.empty() && only.count(id) == 0) continue;
    if (skip.count(id) != 0) continue;
    chosen.push_back(c.get());
  }
  return chosen;
}

Report run_checks(const std::vector<const Check*>& checks, const ClusterState& state,
                  const CheckContext& ctx) {
  Report report;
  report.cluster = state.source;
  report.platform = std::string(to_string(ctx.platform)) + (ctx.platform_given ? " (given)" : "");
  report.as_of = ctx.today.to_string();
  for (const Check* check : checks) {
    size_t before = report.results.size();
    check->run(state, ctx, report.results);
    if (report.results.size() == before) {
      // A check that says nothing is a bug; make it visible rather than a silent pass.
      report.results.push_back(
          result_of(*check, CheckStatus::kUnknown, "the check gave no result"));
    }
  }
  report.verdict = verdict_of(report.results);
  // A cluster with no sign of AKS Arc is not "supported by AKS Arc's policy": its checks were
  // mostly skipped. Unknown (exit 2) says so, unless something already failed.
  if (ctx.platform == Platform::kNotAksArc && report.verdict != Verdict::kUnsupported) {
    report.verdict = Verdict::kUnknown;
  }
  return report;
}

Verdict verdict_of(const std::vector<CheckResult>& results) {
  if (results.empty()) return Verdict::kUnknown;
  auto any = [&](CheckStatus s) {
    return std::any_of(results.begin(), results.end(),
                       [s](const CheckResult& r) { return r.status == s; });
  };
  if (any(CheckStatus::kFail)) return Verdict::kUnsupported;
  if (any(CheckStatus::kWarn) || any(CheckStatus::kUnknown)) return Verdict::kAtRisk;
  return Verdict::kSupported;
}

int exit_code_of(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSupported:
      return 0;
    case Verdict::kUnsupported:
      return 3;
    case Verdict::kAtRisk:
    case Verdict::kUnknown:
      return 2;
  }
  return 2;
}

json report_to_json(const Report& report, bool only_failed) {
  json summary = {{"pass", 0}, {"info", 0},    {"warn", 0},
                  {"fail", 0}, {"unknown", 0}, {"skipped", 0}};
  json findings = json::array();
  for (const CheckResult& r : report.results) {
    std::string status(to_string(r.status));
    summary[status] = summary[status].get<int>() + 1;
    if (only_failed && r.status != CheckStatus::kFail && r.status != CheckStatus::kWarn &&
        r.status != CheckStatus::kUnknown) {
      continue;
    }
    json evidence = json::array();
    for (const Evidence& e : r.evidence) {
      evidence.push_back({{"kind", e.kind},
                          {"namespace", e.namespace_},
                          {"name", e.name},
                          {"field", e.field},
                          {"value", e.value}});
    }
    findings.push_back({{"id", r.check_id},
                        {"rule", r.rule},
                        {"status", status},
                        {"message", r.message},
                        {"evidence", std::move(evidence)},
                        {"remediation", r.remediation}});
  }
  return {{"apiVersion", kReportApiVersion},
          {"kind", "SupportReport"},
          {"cluster", report.cluster},
          {"platform", report.platform},
          {"asOf", report.as_of},
          {"dataAsOf", report.data_as_of},
          {"verdict", to_string(report.verdict)},
          {"summary", std::move(summary)},
          {"findings", std::move(findings)}};
}

}  // namespace aksarc
