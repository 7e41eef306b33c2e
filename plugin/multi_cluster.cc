#include "plugin/multi_cluster.h"

#include <algorithm>
#include <atomic>
#include <iomanip>
#include <ostream>
#include <thread>

#include "kube/kubeconfig.h"
#include "plugin/acquire.h"
#include "plugin/render_table.h"
#include "plugin/structured_output.h"

namespace aksarc::plugin {
namespace {

// Clusters are read a few at a time: each read is itself concurrent, and a support engineer's
// kubeconfig may list dozens of clusters.
constexpr size_t kClustersAtOnce = 4;

struct Outcome {
  std::string context;
  std::optional<Report> report;
  std::string error;  // when the cluster could not be read
};

Result<std::vector<std::string>> contexts_of(const GlobalOptions& o) {
  if (!o.from_dump.empty()) {
    return invalid_argument("--from-dump reads one cluster; it cannot be combined with " +
                            std::string(o.all_contexts ? "--all-contexts" : "--contexts"));
  }
  if (!o.all_contexts) return o.contexts;
  Result<kube::KubeconfigSelection> selection = selection_of(o);
  if (!selection.ok()) return selection.error();
  Result<std::vector<std::string>> all = kube::list_contexts(selection.value());
  if (all.ok() && all.value().empty()) return Error{ErrorCode::kNotFound, "no contexts found"};
  return all;
}

std::vector<Outcome> read_all(const GlobalOptions& o, const JudgeInputs& in,
                              const std::vector<std::string>& contexts) {
  std::vector<Outcome> outcomes(contexts.size());
  kube::FetchPlan plan = plan_for(in.checks);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < contexts.size(); i = next++) {
      outcomes[i].context = contexts[i];
      Result<ClusterState> state = acquire_state(o, contexts[i], plan, nullptr);
      if (state.ok()) {
        outcomes[i].report = judge(state.value(), in);
      } else {
        outcomes[i].error = state.error().message;
      }
    }
  };
  std::vector<std::thread> workers;
  size_t count = std::min(contexts.size(), kClustersAtOnce);
  for (size_t i = 1; i < count; ++i) workers.emplace_back(work);
  work();
  for (std::thread& t : workers) t.join();
  return outcomes;
}

long count_of(const Report& report, CheckStatus status) {
  return std::count_if(report.results.begin(), report.results.end(),
                       [status](const CheckResult& r) { return r.status == status; });
}

void print_summary(const std::vector<Outcome>& outcomes, std::ostream& out) {
  size_t width = 8;
  for (const Outcome& o : outcomes) width = std::max(width, o.context.size() + 2);
  out << std::left << std::setw(static_cast<int>(width)) << "CONTEXT" << std::setw(13) << "VERDICT"
      << std::setw(6) << "FAIL" << std::setw(6) << "WARN"
      << "UNKNOWN\n";
  for (const Outcome& o : outcomes) {
    out << std::setw(static_cast<int>(width)) << o.context;
    if (!o.report) {
      out << "Error        " << o.error << "\n";
      continue;
    }
    out << std::setw(13) << to_string(o.report->verdict) << std::setw(6)
        << count_of(*o.report, CheckStatus::kFail) << std::setw(6)
        << count_of(*o.report, CheckStatus::kWarn) << count_of(*o.report, CheckStatus::kUnknown)
        << "\n";
  }
}

void print_all(const std::vector<Outcome>& outcomes, const GlobalOptions& o, std::ostream& out) {
  if (o.output == "json" || o.output == "yaml") {
    json doc = {{"apiVersion", kReportApiVersion},
                {"kind", "SupportReportList"},
                {"items", json::array()},
                {"errors", json::array()}};
    for (const Outcome& c : outcomes) {
      if (c.report) {
        json item = report_to_json(*c.report, o.only_failed);
        item["context"] = c.context;
        doc["items"].push_back(std::move(item));
      } else {
        doc["errors"].push_back({{"context", c.context}, {"message", c.error}});
      }
    }
    write_structured(doc, o.output, out);
    return;
  }
  for (const Outcome& c : outcomes) {
    if (!c.report) continue;
    out << "=== context " << c.context << "\n";
    print_report(*c.report, o, out);
    out << "\n";
  }
  print_summary(outcomes, out);
}

int exit_code_of(const std::vector<Outcome>& outcomes) {
  int code = kExitSupported;
  bool unreadable = false;
  for (const Outcome& o : outcomes) {
    if (!o.report) {
      unreadable = true;
      continue;
    }
    code = std::max(code, aksarc::exit_code_of(o.report->verdict));
  }
  if (code == kExitUnsupported) return code;
  return unreadable ? kExitCannotRun : code;
}

}  // namespace

int run_multi_cluster(const GlobalOptions& o, const JudgeInputs& in, std::ostream& out,
                      std::ostream& err) {
  Result<std::vector<std::string>> contexts = contexts_of(o);
  if (!contexts.ok()) {
    err << "error: " << contexts.error().message << "\n";
    return kExitCannotRun;
  }
  std::vector<Outcome> outcomes = read_all(o, in, contexts.value());
  for (const Outcome& c : outcomes) {
    if (!c.report) err << "error: context " << c.context << ": " << c.error << "\n";
  }
  print_all(outcomes, o, out);
  return exit_code_of(outcomes);
}

}  // namespace aksarc::plugin
