#pragma once
// `--all-contexts` / `--contexts a,b`: the report for several clusters, read concurrently, then a
// summary table (or one SupportReportList document). A context that cannot be read does not stop
// the others.

#include <iosfwd>

#include "plugin/cmd_check.h"
#include "plugin/global_options.h"

namespace aksarc::plugin {

// Exit code: 3 if any cluster is Unsupported, else 1 if any could not be read, else 2 if any is
// AtRisk or Unknown, else 0. Errors before any cluster is read (no kubeconfig, --from-dump with
// several contexts) print a message and return 1.
int run_multi_cluster(const GlobalOptions& options, const JudgeInputs& inputs, std::ostream& out,
                      std::ostream& err);

}  // namespace aksarc::plugin
