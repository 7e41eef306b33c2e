#pragma once
// The report for people: a header (cluster, platform, date, verdict) and one row per finding,
// the worst first, with its evidence and the fix indented below.

#include <iosfwd>

#include "core/report.h"

namespace aksarc::plugin {

struct TableStyle {
  bool colour = false;
  bool only_failed = false;  // show only fail, warn and unknown rows
};

void render_report_table(const Report& report, const TableStyle& style, std::ostream& out);

}  // namespace aksarc::plugin
