#include "plugin/render_table.h"

#include <algorithm>
#include <iomanip>
#include <ostream>

namespace aksarc::plugin {
namespace {

// Worst first; equal severities keep the checks' order.
int severity_rank(CheckStatus s) {
  switch (s) {
    case CheckStatus::kFail:
      return 0;
    case CheckStatus::kWarn:
      return 1;
    case CheckStatus::kUnknown:
      return 2;
    case CheckStatus::kInfo:
      return 3;
    case CheckStatus::kPass:
      return 4;
    case CheckStatus::kSkipped:
      return 5;
  }
  return 6;
}

const char* colour_of(CheckStatus s) {
  switch (s) {
    case CheckStatus::kFail:
      return "\033[31m";
    case CheckStatus::kWarn:
    case CheckStatus::kUnknown:
      return "\033[33m";
    case CheckStatus::kPass:
      return "\033[32m";
    default:
      return "\033[2m";
  }
}

const char* colour_of(Verdict v) {
  switch (v) {
    case Verdict::kSupported:
      return "\033[32m";
    case Verdict::kUnsupported:
      return "\033[31m";
    default:
      return "\033[33m";
  }
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string describe(const Evidence& e) {
  std::string where = e.kind;
  if (!e.namespace_.empty() || !e.name.empty()) {
    where += " " + (e.namespace_.empty() ? "" : e.namespace_ + "/") + e.name;
  }
  if (!e.field.empty()) where += " " + e.field;
  if (!e.value.empty()) where += " = " + e.value;
  return where;
}

std::string counts(const std::vector<CheckResult>& results) {
  std::string out;
  for (CheckStatus s : {CheckStatus::kFail, CheckStatus::kWarn, CheckStatus::kUnknown,
                        CheckStatus::kInfo, CheckStatus::kPass, CheckStatus::kSkipped}) {
    auto n = std::count_if(results.begin(), results.end(),
                           [s](const CheckResult& r) { return r.status == s; });
    if (n == 0) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(to_string(s));
  }
  return out;
}

}  // namespace

void render_report_table(const Report& report, const TableStyle& style, std::ostream& out) {
  const char* off = style.colour ? "\033[0m" : "";
  const char* bold = style.colour ? "\033[1m" : "";
  out << bold << "Cluster   " << off << report.cluster << "\n";
  out << bold << "Platform  " << off << report.platform << "\n";
  out << bold << "As of     " << off << report.as_of;
  if (!report.data_as_of.empty()) out << "   (policy data as of " << report.data_as_of << ")";
  out << "\n";
  out << bold << "Verdict   " << off << (style.colour ? colour_of(report.verdict) : "")
      << to_string(report.verdict) << off << "   " << counts(report.results) << "\n\n";

  std::vector<const CheckResult*> rows;
  for (const CheckResult& r : report.results) {
    bool bad = r.status == CheckStatus::kFail || r.status == CheckStatus::kWarn ||
               r.status == CheckStatus::kUnknown;
    if (!style.only_failed || bad) rows.push_back(&r);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const CheckResult* a, const CheckResult* b) {
    return severity_rank(a->status) < severity_rank(b->status);
  });
  if (rows.empty()) {
    out << (style.only_failed ? "No fail, warn or unknown findings.\n" : "No findings.\n");
    return;
  }
  out << std::left << std::setw(9) << "STATUS" << std::setw(8) << "RULE" << std::setw(31) << "CHECK"
      << "FINDING\n";
  constexpr const char* kIndent = "                                                ";
  for (const CheckResult* r : rows) {
    std::string status = upper(to_string(r->status));
    if (style.colour) out << colour_of(r->status);
    out << std::setw(9) << status << off << std::setw(8) << r->rule << std::setw(31) << r->check_id
        << r->message << "\n";
    // A finding about thousands of objects must stay readable; -o json carries them all.
    constexpr size_t kMaxEvidenceRows = 10;
    for (size_t i = 0; i < r->evidence.size() && i < kMaxEvidenceRows; ++i) {
      out << kIndent << "- " << describe(r->evidence[i]) << "\n";
    }
    if (r->evidence.size() > kMaxEvidenceRows) {
      out << kIndent << "  ... and " << r->evidence.size() - kMaxEvidenceRows
          << " more (see -o json)\n";
    }
    if (!r->remediation.empty() && r->status != CheckStatus::kPass) {
      out << kIndent << "fix: " << r->remediation << "\n";
    }
  }
}

}  // namespace aksarc::plugin
