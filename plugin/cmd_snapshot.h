#pragma once
// `kubectl aksarc-support snapshot -o DIR`: saves what the checks read (never the data of
// Secrets) to a folder a support engineer can judge later with `--from-dump DIR`.

#include <iosfwd>
#include <string>

#include "plugin/global_options.h"

namespace aksarc::plugin {

// Returns 0 when the snapshot was written (lists that could not be read are recorded in its
// errors.json), 1 when the cluster could not be read or DIR could not be written.
int run_snapshot(const std::string& dir, const GlobalOptions& options, std::ostream& out,
                 std::ostream& err);

}  // namespace aksarc::plugin
