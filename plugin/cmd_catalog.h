#pragma once
// The subcommands that read no cluster: `checks` (the catalog), `explain ID`, `versions` (what
// each AKS Arc platform supports, until when) and `version`.

#include <iosfwd>
#include <string>

#include "plugin/global_options.h"

namespace aksarc::plugin {

// Each returns the exit code: 0, or 1 with a message on `err` (unknown ID, bad flag value).
int run_checks_catalog(const GlobalOptions& options, std::ostream& out, std::ostream& err);
// `id` is a check ID ("kubelet-versions") or a policy rule ID ("VER-2", any case), which
// explains every check enforcing that rule.
int run_explain(const std::string& id, const GlobalOptions& options, std::ostream& out,
                std::ostream& err);
int run_versions(const GlobalOptions& options, std::ostream& out, std::ostream& err);
int run_version(const GlobalOptions& options, std::ostream& out, std::ostream& err);

}  // namespace aksarc::plugin
