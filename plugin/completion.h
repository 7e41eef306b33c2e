#pragma once
// Shell completion in cobra's `__complete` protocol, which kubectl (1.26+) uses for plugins: for
// `kubectl aksarc-support <args><TAB>` kubectl runs `kubectl_complete-aksarc_support <args>`
// (scripts/, a one-line wrapper around `kubectl-aksarc_support __complete <args>`) and shows
// what it prints: one candidate per line (optionally "value\tdescription"), then ":<directive>".

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace aksarc::plugin {

// Where dynamic values come from (so tests and the binary can supply them).
struct CompletionSources {
  std::function<std::vector<std::string>()> contexts;   // kubeconfig context names
  std::function<std::vector<std::string>()> check_ids;  // the catalog's check IDs
};

// `args` are the words after `__complete`; the last one is the word being completed (possibly
// empty). Walks `root`'s subcommands and options; prints candidates and the directive to `out`.
// Never throws; returns 0.
int run_complete(const CLI::App& root, const std::vector<std::string>& args,
                 const CompletionSources& sources, std::ostream& out);

// The binary's sources: contexts from the kubeconfig that --kubeconfig among `args` (the words
// after `__complete`), else $KUBECONFIG, else ~/.kube/config names (none when it cannot be read);
// check IDs from the registry, each with "\t<rule>: <title>" for the shells that show it.
CompletionSources default_completion_sources(const std::vector<std::string>& args);

}  // namespace aksarc::plugin
