#include "plugin/cmd_review.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "core/admission.h"
#include "plugin/structured_output.h"

namespace aksarc::plugin {
namespace {

Result<std::string> read_input(const std::string& file, std::istream& in) {
  std::stringstream ss;
  if (file == "-") {
    ss << in.rdbuf();
    return ss.str();
  }
  std::ifstream f(file, std::ios::binary);
  if (!f) return io_error("cannot read " + file);
  ss << f.rdbuf();
  return ss.str();
}

Result<std::shared_ptr<const Policy>> load_policy(const ReviewOptions& o, std::istream& in) {
  std::string yaml;
  if (!o.config_file.empty()) {
    Result<std::string> text = read_input(o.config_file, in);
    if (!text.ok()) return text.error();
    yaml = text.value();
  }
  if (!o.cluster_version.empty()) {
    if (!parse_kube_version(o.cluster_version)) {
      return invalid_argument("--cluster-version: \"" + o.cluster_version +
                              "\" is not a Kubernetes version (e.g. 1.30)");
    }
    yaml += "\nclusterVersion: \"" + o.cluster_version + "\"\n";
  }
  return make_policy_from_yaml(yaml);
}

// A bare AdmissionRequest (as kubewarden and kyverno store them) is wrapped the way the API
// server would send it, so saved requests can be judged directly.
std::string wrap_if_bare(const std::string& text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_object() && member(doc, "request") == nullptr && member(doc, "operation") != nullptr) {
    return json{{"apiVersion", "admission.k8s.io/v1"},
                {"kind", "AdmissionReview"},
                {"request", std::move(doc)}}
        .dump();
  }
  return text;
}

struct Judged {
  std::string file;
  ReviewOutcome outcome;
};

void print_table(const std::vector<Judged>& all, std::ostream& out) {
  out << std::left << std::setw(10) << "DECISION" << std::setw(10) << "RULES" << std::setw(9)
      << "OP"
      << "OBJECT\n";
  for (const Judged& j : all) {
    const DecisionRecord& r = j.outcome.record;
    std::string rules;
    for (const std::string& id : r.rules) rules += (rules.empty() ? "" : ",") + id;
    std::string object = r.kind + " " + (r.namespace_.empty() ? "" : r.namespace_ + "/") + r.name;
    if (r.decision == "error") object = j.file;
    out << std::setw(10) << r.decision << std::setw(10) << (rules.empty() ? "-" : rules)
        << std::setw(9) << (r.operation.empty() ? "-" : r.operation) << object << "\n";
    if (!r.reason.empty() && r.decision != "allow" && r.decision != "exempt") {
      out << "          " << r.reason << "\n";
    }
  }
}

json to_json(const std::vector<Judged>& all) {
  json list = json::array();
  for (const Judged& j : all) {
    list.push_back({{"file", j.file},
                    {"decision", j.outcome.record.decision},
                    {"rules", j.outcome.record.rules},
                    {"review", j.outcome.review}});
  }
  return list;
}

}  // namespace

int run_review(const ReviewOptions& o, std::istream& in, std::ostream& out, std::ostream& err) {
  Result<std::shared_ptr<const Policy>> policy = load_policy(o, in);
  if (!policy.ok()) {
    err << "error: " << policy.error().message << "\n";
    return kExitUsage;
  }
  std::vector<Judged> all;
  int code = kExitOk;
  for (const std::string& file : o.files) {
    Result<std::string> text = read_input(file, in);
    if (!text.ok()) {
      err << "error: " << text.error().message << "\n";
      code = std::max(code, kExitInput);
      continue;
    }
    Judged j{file, review_text(wrap_if_bare(text.value()), *policy.value())};
    if (j.outcome.record.decision == "error") code = std::max(code, kExitInput);
    if (j.outcome.record.decision == "deny") code = std::max(code, kExitDenied);
    all.push_back(std::move(j));
  }
  if (o.output == "json" || o.output == "yaml") {
    write_structured(to_json(all), o.output, out);
  } else {
    print_table(all, out);
  }
  return code;
}

void setup_review(CLI::App& app, std::ostream& out, std::ostream& err, int& exit_code) {
  auto opts = std::make_shared<ReviewOptions>();
  CLI::App* cmd = app.add_subcommand(
      "review",
      "Judge AdmissionReview files offline, as the webhook would (exit 0 allowed, 2 bad input, "
      "3 denied)");
  cmd->add_option("-f,--filename,files", opts->files, "AdmissionReview JSON files ('-' = stdin)")
      ->required();
  cmd->add_option("--config", opts->config_file, "Policy configuration YAML (webhook's format)");
  cmd->add_option("--cluster-version", opts->cluster_version, "Kubernetes version, e.g. 1.30");
  cmd->add_option("-o,--output", opts->output, "Output format")
      ->check(CLI::IsMember({"table", "json", "yaml"}));
  cmd->callback(
      [opts, &out, &err, &exit_code] { exit_code = run_review(*opts, std::cin, out, err); });
}

}  // namespace aksarc::plugin
