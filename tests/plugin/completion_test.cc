// run_complete against a command tree shaped like the plugin's (the real shared flags, the
// subcommands' own as main.cc and cmd_review.cc declare them), with fixed sources.
#include "plugin/completion.h"

#include <doctest/doctest.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "plugin/global_options.h"

namespace aksarc::plugin {
namespace {

struct Tree {
  CLI::App app{"test"};
  GlobalOptions options;
  std::string explain_id;
  std::string snapshot_dir;
  std::vector<std::string> review_files;
  std::string review_config, review_output;

  Tree() {
    app.fallthrough();
    add_global_flags(app, options);
    app.add_subcommand("check", "Judge the cluster (the default)");
    app.add_subcommand("checks", "List the checks");
    app.add_subcommand("explain", "Explain a check")->add_option("id", explain_id, "Check ID");
    app.add_subcommand("versions", "Supported versions");
    app.add_subcommand("snapshot", "Capture the cluster")
        ->add_option("-o,--output-dir", snapshot_dir, "Folder to write");
    app.add_subcommand("version", "Print the version");
    CLI::App* review = app.add_subcommand("review", "Judge AdmissionReview files offline");
    review->add_option("-f,--filename,files", review_files, "AdmissionReview JSON files");
    review->add_option("--config", review_config, "Policy configuration YAML");
    review->add_option("--cluster-version", review_config, "Kubernetes version");
    review->add_option("-o,--output", review_output, "Output format")
        ->check(CLI::IsMember({"table", "json", "yaml"}));
    app.add_subcommand("__complete", "hidden")->group("");
  }
};

CompletionSources fixed_sources() {
  return {[] {
            return std::vector<std::string>{"dev", "prod-east", "prod-west"};
          },
          [] {
            return std::vector<std::string>{"control-plane-version\tVER-1: Control plane",
                                            "kubelet-versions\tVER-2: Kubelets",
                                            "node-labels\tNODE-2: Labels"};
          }};
}

// The candidates' values (descriptions dropped) and the directive line.
struct Answer {
  std::vector<std::string> values;
  std::string directive;
  std::vector<std::string> lines;
};

Answer complete(std::vector<std::string> args) {
  Tree tree;
  std::ostringstream out;
  CHECK(run_complete(tree.app, args, fixed_sources(), out) == 0);
  Answer answer;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) answer.lines.push_back(line);
  REQUIRE(!answer.lines.empty());
  answer.directive = answer.lines.back();
  answer.lines.pop_back();
  for (const std::string& line : answer.lines)
    answer.values.push_back(line.substr(0, line.find('\t')));
  return answer;
}

bool has(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

using Values = std::vector<std::string>;

TEST_CASE("subcommands with descriptions, hidden ones left out") {
  Answer a = complete({""});
  CHECK(a.values ==
        Values{"check", "checks", "explain", "versions", "snapshot", "version", "review"});
  CHECK(a.lines.front() == "check\tJudge the cluster (the default)");
  CHECK(a.directive == ":4");
  CHECK(complete({"ver"}).values == Values{"versions", "version"});
  CHECK(complete({"_"}).values.empty());
}

TEST_CASE("flags: the root's everywhere, a subcommand's own, filtered by prefix") {
  Answer root = complete({"--"});
  CHECK(has(root.values, "--kubeconfig"));
  CHECK(has(root.values, "--only-failed"));
  CHECK(!has(root.values, "--filename"));
  CHECK(root.directive == ":4");
  Answer review = complete({"review", "--"});
  CHECK(has(review.values, "--filename"));
  CHECK(has(review.values, "--cluster-version"));
  CHECK(has(review.values, "--context"));  // fallthrough
  CHECK(std::count(review.values.begin(), review.values.end(), "--output") == 1);
  CHECK(complete({"check", "--co"}).values == Values{"--context", "--contexts"});
  CHECK(complete({"-"}).values.size() == root.values.size());
}

TEST_CASE("a flag given once is not offered again; a repeatable one is") {
  Answer a = complete({"--context", "dev", "--check", "kubelet-versions", "--c"});
  CHECK(!has(a.values, "--context"));
  CHECK(has(a.values, "--check"));
  CHECK(has(a.values, "--cluster"));
  // review's own --output, once given, does not bring back the root's.
  CHECK(!has(complete({"review", "-o", "json", "--o"}).values, "--output"));
}

TEST_CASE("context values") {
  CHECK(complete({"--context", ""}).values == Values{"dev", "prod-east", "prod-west"});
  CHECK(complete({"check", "--context", "prod"}).values == Values{"prod-east", "prod-west"});
  CHECK(complete({"--context=prod-w"}).values == Values{"prod-west"});
  CHECK(complete({"--contexts", "dev,prod-e"}).values == Values{"dev,prod-east"});
}

TEST_CASE("check IDs: --check, --skip, explain, comma lists") {
  Answer a = complete({"--check", ""});
  CHECK(a.values == Values{"control-plane-version", "kubelet-versions", "node-labels"});
  CHECK(a.lines[1] == "kubelet-versions\tVER-2: Kubelets");
  CHECK(complete({"--skip", "k"}).values == Values{"kubelet-versions"});
  CHECK(complete({"--skip=node-labels,k"}).values == Values{"node-labels,kubelet-versions"});
  CHECK(complete({"--check", "node-labels,"}).values ==
        Values{"node-labels,control-plane-version", "node-labels,kubelet-versions"});
  CHECK(complete({"explain", ""}).values.size() == 3);
  CHECK(complete({"explain", "c"}).values == Values{"control-plane-version"});
  CHECK(complete({"explain", "c"}).directive == ":4");
  CHECK(complete({"explain", "node-labels", ""}).values.empty());  // it takes one
}

TEST_CASE("choices: output formats and platforms") {
  CHECK(complete({"-o", ""}).values == Values{"table", "json", "yaml"});
  CHECK(complete({"--output", "j"}).values == Values{"json"});
  CHECK(complete({"-o=y"}).values == Values{"yaml"});
  CHECK(complete({"review", "-o", "t"}).values == Values{"table"});
  CHECK(complete({"--platform", ""}).values == Values{"azure-local", "windows-server"});
  CHECK(complete({"--platform=w"}).values == Values{"windows-server"});
}

TEST_CASE("file and folder values let the shell complete paths") {
  for (const char* flag : {"--kubeconfig", "--arc-status", "--policy-data"}) {
    Answer a = complete({flag, ""});
    CHECK(a.values.empty());
    CHECK(a.directive == ":0");
  }
  CHECK(complete({"--kubeconfig=/tm"}).directive == ":0");
  CHECK(complete({"--from-dump", ""}).directive == ":16");
  CHECK(complete({"snapshot", "-o", ""}).directive == ":16");
  CHECK(complete({"review", "-f", ""}).directive == ":0");
  CHECK(complete({"review", ""}).directive == ":0");
  CHECK(complete({"review", "a.json", ""}).directive == ":0");  // any number of files
  CHECK(complete({"review", "--config", ""}).directive == ":0");
}

TEST_CASE("everything else: no candidates, no file names") {
  CHECK(complete({"--at", ""}).directive == ":4");
  CHECK(complete({"--request-timeout", ""}).directive == ":4");
  CHECK(complete({"versions", ""}).values.empty());
  CHECK(complete({"versions", ""}).directive == ":4");
  CHECK(complete({"--no-such-flag=x"}).directive == ":4");
  CHECK(complete({}).directive == ":4");
}

TEST_CASE("a flag's value is not taken for a subcommand") {
  // "check" here is the value of --context, so the next word is still a subcommand.
  CHECK(has(complete({"--context", "check", ""}).values, "explain"));
  CHECK(complete({"--only-failed", "expl"}).values == Values{"explain"});
  // After "--", words are positional: explain's ID, not a flag.
  CHECK(complete({"explain", "--", "-"}).values.empty());
}

TEST_CASE("default sources: contexts of the --kubeconfig typed so far; the registry's check IDs") {
  std::filesystem::path file =
      std::filesystem::temp_directory_path() / "aksarc-completion-test-kubeconfig.yaml";
  std::ofstream(file) << "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\n"
                         "contexts:\n- name: zeta\n  context: {cluster: c, user: u}\n"
                         "- name: alpha\n  context: {cluster: c, user: u}\n";
  CompletionSources sources =
      default_completion_sources({"--kubeconfig", file.string(), "--context", ""});
  CHECK(sources.contexts() == Values{"alpha", "zeta"});
  CHECK(default_completion_sources({"--kubeconfig=" + file.string(), "--context", ""}).contexts() ==
        Values{"alpha", "zeta"});
  // A kubeconfig that cannot be read offers no contexts rather than failing.
  CHECK(default_completion_sources({"--kubeconfig", "/nonexistent", "--context", ""})
            .contexts()
            .empty());
  std::filesystem::remove(file);
  std::vector<std::string> ids = default_completion_sources({""}).check_ids();
  REQUIRE(!ids.empty());
  CHECK(has(ids, "kubelet-versions\tVER-2: every node runs a supported AKS Arc version"));
}

}  // namespace
}  // namespace aksarc::plugin
