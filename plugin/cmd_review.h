#pragma once
// `kubectl aksarc-support review`: judges AdmissionReviews offline with the webhook's engine,
// so a change can be checked before it is applied (in CI, or while writing a policy file).

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace aksarc::plugin {

struct ReviewOptions {
  std::vector<std::string> files;  // "-" reads standard input
  std::string config_file;
  std::string cluster_version;
  std::string output = "table";
};

// Exit codes (part of the interface; see README): 0 every review allowed (warnings included),
// 1 usage error, 2 an input could not be read or was not an AdmissionReview, 3 at least one
// review denied.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitInput = 2;
inline constexpr int kExitDenied = 3;

// Registers the subcommand on `app`; when it is chosen, `exit_code` receives run_review's result.
void setup_review(CLI::App& app, std::ostream& out, std::ostream& err, int& exit_code);

int run_review(const ReviewOptions& options, std::istream& in, std::ostream& out,
               std::ostream& err);

}  // namespace aksarc::plugin
