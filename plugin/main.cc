// kubectl-aksarc_support: the kubectl plugin (`kubectl aksarc-support ...`). CLI11 wiring only;
// each subcommand lives in its own cmd_<verb>.cc.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "aksarc_version.h"
#include "plugin/cmd_catalog.h"
#include "plugin/cmd_check.h"
#include "plugin/cmd_install.h"
#include "plugin/cmd_review.h"
#include "plugin/cmd_snapshot.h"
#include "plugin/completion.h"
#include "plugin/global_options.h"

namespace {

constexpr const char* kDescription =
    "Is this AKS enabled by Azure Arc cluster inside Microsoft's support policy? Reads the "
    "cluster (or a saved dump) and reports, rule by rule, what breaks the policy, where, and "
    "what to do.";

constexpr const char* kFooter =
    "Examples:\n"
    "  kubectl aksarc-support                          report on the current context\n"
    "  kubectl aksarc-support -o json --only-failed    for scripts and CI\n"
    "  kubectl aksarc-support --at 2027-03-01          still supported on that day?\n"
    "  kubectl aksarc-support --from-dump ./dump       judge a saved cluster-info dump\n"
    "  kubectl aksarc-support explain kubelet-versions\n"
    "\n"
    "Exit codes (check): 0 Supported, 1 the tool could not run (bad flag, kubeconfig, "
    "unreachable cluster), 2 AtRisk (warnings or unknowns), 3 Unsupported.\n"
    "Exit codes (review): 0 allowed, 1 usage error, 2 unreadable input, 3 denied.";

// A usage error in kubectl's words ("error: unknown flag: --x", then where the usage is), exit 1:
// CLI11's own ("The following argument was not expected") is not what kubectl users know.
int usage_error(const CLI::App& app, const CLI::ParseError& e) {
  std::string message = e.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    // CLI11 lists the extras last first: the first one on the command line is the last word.
    std::string first = message.substr(message.rfind(' ') + 1);
    message = first.rfind('-', 0) == 0
                  ? "unknown flag: " + first.substr(0, first.find('='))
                  : "unknown command \"" + first + "\" for \"kubectl aksarc-support\"";
  } else if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr &&
             message.find(" required ") != std::string::npos && message.size() > 8 &&
             message.compare(message.size() - 8, 8, " missing") == 0) {
    message = "flag needs an argument: " + message.substr(0, message.find(':'));
  }
  std::string command = "kubectl aksarc-support";
  for (const CLI::App* sub : app.get_subcommands()) command += " " + sub->get_name();
  std::cerr << "error: " << message << "\nSee '" << command << " --help' for usage.\n";
  return aksarc::plugin::kExitCannotRun;
}

}  // namespace

int main(int argc, char** argv) {
  namespace plugin = aksarc::plugin;
  CLI::App app{kDescription};
  app.name("kubectl aksarc-support");
  app.footer(kFooter);
  app.set_version_flag("--version", "aksarc-support " + std::string(aksarc::kAksarcVersion));
  app.require_subcommand(0, 1);
  plugin::GlobalOptions options;
  plugin::add_global_flags(app, options);

  int exit_code = plugin::kExitSupported;
  std::string explain_id;
  std::string snapshot_dir;
  auto* check = app.add_subcommand("check", "Report whether the cluster is supported (default)");
  auto* checks = app.add_subcommand("checks", "List the checks and the policy rules they enforce");
  auto* explain = app.add_subcommand("explain", "Explain a check or a policy rule (e.g. VER-2)");
  explain->add_option("id", explain_id, "Check ID or policy rule ID")->required();
  auto* versions = app.add_subcommand(
      "versions", "Kubernetes versions each AKS Arc platform supports, and until when");
  auto* snapshot = app.add_subcommand(
      "snapshot", "Save what the checks read (no Secret data) for a support ticket");
  snapshot->add_option("-o,--output-dir", snapshot_dir, "Folder to create")->required();
  auto* version = app.add_subcommand("version", "Print the plugin and policy data versions");
  plugin::InstallOptions install_options;
  auto* install = app.add_subcommand(
      "install", "Print the webhook's manifests for this cluster (| kubectl apply -f -)");
  install->add_option("--mode", install_options.mode, "warn (default: first step) or enforce")
      ->check(CLI::IsMember({"warn", "enforce"}));
  install->add_flag("--cert-manager", install_options.cert_manager,
                    "cert-manager issues the serving certificate (else a self-signed CA)");
  install->add_option("--certs-dir", install_options.certs_dir,
                      "Self-signed: keep (and reuse) the CA and certificate in this folder");
  install->add_option("--kubernetes-version", install_options.kubernetes_version,
                      "The cluster's version (else read from the cluster)");
  for (CLI::App* sub : {check, checks, explain, versions, snapshot, version, install}) {
    sub->fallthrough();
  }
  plugin::setup_review(app, std::cout, std::cerr, exit_code);

  if (argc >= 2 && std::string_view(argv[1]) == "__complete") {
    std::vector<std::string> args(argv + 2, argv + argc);
    return plugin::run_complete(app, args, plugin::default_completion_sources(args), std::cout);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    return usage_error(app, e);
  }
  if (checks->parsed()) return plugin::run_checks_catalog(options, std::cout, std::cerr);
  if (explain->parsed()) return plugin::run_explain(explain_id, options, std::cout, std::cerr);
  if (versions->parsed()) return plugin::run_versions(options, std::cout, std::cerr);
  if (snapshot->parsed()) return plugin::run_snapshot(snapshot_dir, options, std::cout, std::cerr);
  if (version->parsed()) return plugin::run_version(options, std::cout, std::cerr);
  if (install->parsed()) {
    return plugin::run_install(install_options, options, std::cout, std::cerr);
  }
  if (app.got_subcommand("review")) return exit_code;
  return plugin::run_check(options, std::cout, std::cerr);
}
