#pragma once
// The flags every cluster-reading subcommand shares (kubectl's genericclioptions where they
// apply), and the choices a report run makes from them.

#include <CLI/CLI.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace aksarc::plugin {

struct GlobalOptions {
  // Where the cluster is: kubectl's flags, or a saved dump.
  std::string kubeconfig;
  std::string context;
  std::string cluster;
  std::string user;
  std::string request_timeout;  // kubectl form: "30s", "1m", "0" (no timeout), or seconds
  std::string from_dump;        // a `kubectl cluster-info dump` or `snapshot` folder
  bool all_contexts = false;
  std::vector<std::string> contexts;

  // What to judge and how.
  std::string platform;     // azure-local | windows-server (else detected)
  std::string at;           // YYYY-MM-DD to judge at (else today)
  std::string arc_status;   // JSON of `az connectedk8s show`
  std::string policy_data;  // a newer aksarc-versions.json
  std::set<std::string> only_checks;
  std::set<std::string> skip_checks;

  // Output.
  std::string output = "table";  // table | json | yaml
  bool only_failed = false;
};

// Adds the shared flags to `app` (the root command: subcommands see them through fallthrough).
void add_global_flags(CLI::App& app, GlobalOptions& options);

// Parses a kubectl-style duration ("30s", "2m", "1h", "500ms", "45"); nullopt when malformed,
// negative, not a plain decimal number ("nan", "1e3") or longer than a year.
std::optional<double> parse_duration_seconds(std::string_view text);

// True when output should be coloured: stdout is a TTY, NO_COLOR is unset or empty, TERM is not
// "dumb".
bool use_colour();

}  // namespace aksarc::plugin
