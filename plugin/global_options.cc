#include "plugin/global_options.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <optional>

namespace aksarc::plugin {
namespace {

// A year: longer is a typo, and the client's millisecond arithmetic must not overflow.
constexpr double kMaxDurationSeconds = 365.0 * 24 * 3600;

}  // namespace

void add_global_flags(CLI::App& app, GlobalOptions& o) {
  app.add_option("--kubeconfig", o.kubeconfig, "Path to the kubeconfig file (else $KUBECONFIG)");
  app.add_option("--context", o.context, "The kubeconfig context to use");
  app.add_option("--cluster", o.cluster, "The kubeconfig cluster to use");
  app.add_option("--user", o.user, "The kubeconfig user to use");
  app.add_option("--request-timeout", o.request_timeout,
                 "Time to wait for one server request, and for an exec credential plugin to "
                 "print its credential (e.g. 30s, 1m; 0 = the defaults: 30s per request, 60s "
                 "for the plugin)");
  app.add_option("--from-dump", o.from_dump,
                 "Judge a saved `kubectl cluster-info dump` or `snapshot` folder instead of a "
                 "live cluster");
  app.add_flag("--all-contexts", o.all_contexts, "Check every context of the kubeconfig");
  app.add_option("--contexts", o.contexts, "Check these contexts (comma-separated)")
      ->delimiter(',');
  app.add_option("--platform", o.platform, "AKS Arc platform, else detected")
      ->check(CLI::IsMember({"azure-local", "windows-server"}));
  app.add_option("--at", o.at, "Judge as of this date (YYYY-MM-DD), e.g. a planned upgrade day");
  app.add_option("--arc-status", o.arc_status,
                 "JSON from `az connectedk8s show` (connectivity and subscription checks)");
  app.add_option("--policy-data", o.policy_data, "A newer AKS Arc versions file (JSON)");
  app.add_option("--check", o.only_checks, "Run only these checks (repeatable, comma-separated)")
      ->delimiter(',');
  app.add_option("--skip", o.skip_checks, "Skip these checks (repeatable, comma-separated)")
      ->delimiter(',');
  app.add_option("-o,--output", o.output, "Output format: table, json or yaml")
      ->check(CLI::IsMember({"table", "json", "yaml"}));
  app.add_flag("--only-failed", o.only_failed, "Show only fail, warn and unknown findings");
  // As in kubectl, a single-valued flag given twice takes the last value (`-o json -o yaml`),
  // rather than failing the run.
  for (CLI::Option* option : app.get_options()) {
    if (option->get_items_expected_max() == 1) {
      option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
  }
}

std::optional<double> parse_duration_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0;
  while (!text.empty()) {
    double value = 0;
    // Fixed notation only: the general form would also take "nan", "inf" and "1e300", which
    // overflow the milliseconds the client computes from the result.
    auto [ptr, ec] =
        std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
    if (ec != std::errc() || !(value >= 0)) return std::nullopt;
    text.remove_prefix(static_cast<size_t>(ptr - text.data()));
    double unit = 1;
    if (text.starts_with("ms")) {
      unit = 0.001;
      text.remove_prefix(2);
    } else if (text.starts_with("s")) {
      text.remove_prefix(1);
    } else if (text.starts_with("m")) {
      unit = 60;
      text.remove_prefix(1);
    } else if (text.starts_with("h")) {
      unit = 3600;
      text.remove_prefix(1);
    } else if (!text.empty()) {
      return std::nullopt;
    }
    total += value * unit;
  }
  if (total > kMaxDurationSeconds) return std::nullopt;
  return total;
}

bool use_colour() {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) == 1;
}

}  // namespace aksarc::plugin
