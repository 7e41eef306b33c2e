#pragma once
// `kubectl aksarc-support [check]`: reads one cluster (or several, see multi_cluster.h), runs the
// chosen checks and prints the report. The judging inputs that do not depend on the cluster
// (checks, date, version data, Arc status) are loaded once, before any cluster is read.

#include <iosfwd>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/aksarc_versions.h"
#include "core/checks/check.h"
#include "core/policy_data.h"
#include "core/report.h"
#include "plugin/global_options.h"

namespace aksarc::plugin {

// Exit codes of `check` (part of the interface; see --help and README).
inline constexpr int kExitSupported = 0;
inline constexpr int kExitCannotRun = 1;
inline constexpr int kExitAtRisk = 2;
inline constexpr int kExitUnsupported = 3;

// The file in a snapshot folder that holds the `az connectedk8s show` output, when one was given.
inline constexpr std::string_view kArcStatusFile = "arc-status.json";

struct JudgeInputs {
  std::vector<const Check*> checks;
  std::shared_ptr<const PolicyData> data;
  std::shared_ptr<const AksArcVersions> versions;
  std::optional<json> arc_status;
  std::optional<Platform> platform;  // --platform, else detected per cluster
  CivilDate today;
};

// Loads and validates everything from the flags. Prints warnings (stale policy data) to `err`.
// Errors (exit 1): unknown check IDs, a malformed --at, an unreadable --arc-status or
// --policy-data file. Reads files only.
Result<JudgeInputs> load_judge_inputs(const GlobalOptions& options, std::ostream& err);

// Judges one cluster. Pure; thread-safe.
Report judge(const ClusterState& state, const JudgeInputs& inputs);

// The system date (UTC), for "today" and the data-age warning.
CivilDate system_today();

// Prints `report` as the table or as -o json|yaml.
void print_report(const Report& report, const GlobalOptions& options, std::ostream& out);

// The whole command; returns the exit code. Messages go to `err`, the report to `out`.
int run_check(const GlobalOptions& options, std::ostream& out, std::ostream& err);

}  // namespace aksarc::plugin
