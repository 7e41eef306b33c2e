// kubectl-aksarc_support: the kubectl plugin (`kubectl aksarc-support ...`). CLI11 wiring only;
// each subcommand lives in its own cmd_<verb>.cc.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "aksarc_version.h"
#include "plugin/cmd_review.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Keep AKS enabled by Azure Arc clusters inside Microsoft's support policy.\n"
      "Exit codes: 0 ok, 1 usage error, 2 unreadable input, 3 policy violations found."};
  app.name("kubectl aksarc-support");
  app.set_version_flag("--version", "aksarc-support " + std::string(aksarc::kAksarcVersion));
  app.require_subcommand(1);
  int exit_code = aksarc::plugin::kExitOk;
  aksarc::plugin::setup_review(app, std::cout, std::cerr, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, version or the usage error
    return code == 0 ? 0 : aksarc::plugin::kExitUsage;
  }
  return exit_code;
}
