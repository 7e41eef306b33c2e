// libFuzzer target: a cluster dump folder (`kubectl cluster-info dump --output-directory` or
// `kubectl aksarc-support snapshot`), judged the way `kubectl aksarc-support check --from-dump
// DIR --at 2025-11-25` judges it: acquire_state (kube::read_dump of the lists the checks plan to
// read), then every check over the ClusterState, and the report printed as the table, JSON and
// YAML. A dump's arc-status.json is used as the plugin uses it (as if --arc-status had named it).
//
// The input is a folder as text: parts that each start with a line `=== PATH`, the rest of the
// part being the file's bytes. PATH is one of the files the reader looks at (kFixedPaths and the
// lists the checks plan to read, e.g. nodes.json, version.json, kube-system/pods.json,
// cluster/validatingwebhookconfigurations.json) or nodes/<node>/configz.json with a DNS label as
// the node; any other PATH is mapped onto one of the listed files by a hash, so every mutation
// still lands in a file that is read, and nothing is written outside the folder. The folder is
// made fresh for each input and removed after it. fuzz/seeds.sh turns the fixture dumps of
// tests/testdata/clusters into this form.
//
// Invariants: no crash, leak, UB or escaping exception; a dump that cannot be read is an error
// (kNotFound, kParse or kIo) with a non-empty message; a dump that can be read gives a report
// with at least one result from every check, each with a rule and a status, and a verdict of
// Supported, AtRisk, Unsupported or Unknown; printing it in each format succeeds.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/report.h"
#include "plugin/acquire.h"
#include "plugin/cmd_check.h"
#include "plugin/render_table.h"
#include "plugin/structured_output.h"

namespace {

namespace fs = std::filesystem;
using aksarc::ResourceKey;

// Files the reader looks for besides the planned lists.
constexpr std::string_view kFixedPaths[] = {
    "nodes.json",      "version.json",          "discovery.json",        "snapshot.json",
    "arc-status.json", "nodes/n1/configz.json", "nodes/n2/configz.json",
};
// Namespaces for the lists the checks read across all namespaces.
constexpr std::string_view kNamespaces[] = {"kube-system", "azure-arc", "default"};
constexpr size_t kMaxParts = 64;

struct Fixture {
  aksarc::plugin::GlobalOptions options;
  aksarc::plugin::JudgeInputs inputs;
  aksarc::kube::FetchPlan plan;
  std::vector<std::string> paths;  // every file the reader may read
  std::set<std::string, std::less<>> known;
  std::string root;  // per-process temporary directory
};

// The dump layout of kube/dump.h: nodes.json, cluster/<resource>.json, <ns>/<resource>.json.
std::string list_file(const ResourceKey& key) {
  return key.resource == "replicationcontrollers" ? "replication-controllers.json"
                                                  : key.resource + ".json";
}

std::vector<std::string> paths_of(const aksarc::kube::FetchPlan& plan) {
  std::vector<std::string> out(std::begin(kFixedPaths), std::end(kFixedPaths));
  for (const ResourceKey& key : plan.lists) {
    if (key.group.empty() && key.resource == "nodes") continue;  // nodes.json, listed above
    if (!key.namespaced) {
      out.push_back("cluster/" + list_file(key));
    } else if (!key.namespace_.empty()) {
      out.push_back(key.namespace_ + "/" + list_file(key));
    } else {
      for (std::string_view ns : kNamespaces) out.push_back(std::string(ns) + "/" + list_file(key));
    }
  }
  std::set<std::string> seen;
  std::vector<std::string> unique;
  for (std::string& p : out) {
    if (seen.insert(p).second) unique.push_back(std::move(p));
  }
  return unique;
}

const Fixture& fixture() {
  static const Fixture* f = [] {
    auto* fx = new Fixture;
    fx->options.at = "2025-11-25";  // the day the fixture cluster was recorded: stable verdicts
    std::ostringstream warnings;    // the stale-data warning is for people
    auto inputs = aksarc::plugin::load_judge_inputs(fx->options, warnings);
    if (!inputs.ok()) std::abort();
    fx->inputs = std::move(inputs).value();
    fx->plan = aksarc::plugin::plan_for(fx->inputs.checks);
    fx->paths = paths_of(fx->plan);
    fx->known.insert(fx->paths.begin(), fx->paths.end());
    const char* tmp = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): set-up only
    std::string pattern =
        std::string(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp") + "/fuzz_dump.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    fx->root = pattern;
    return fx;
  }();
  return *f;
}

bool dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

// The folder-relative path a part's header names: a known file, a node's configz.json, or else a
// known file chosen by hash. Never absolute, never with "..".
std::string place(std::string_view header, const Fixture& f) {
  if (f.known.count(header) > 0) return std::string(header);
  constexpr std::string_view kNodes = "nodes/", kConfigz = "/configz.json";
  if (header.size() > kNodes.size() + kConfigz.size() &&
      header.substr(0, kNodes.size()) == kNodes &&
      header.substr(header.size() - kConfigz.size()) == kConfigz &&
      dns_label(header.substr(kNodes.size(), header.size() - kNodes.size() - kConfigz.size()))) {
    return std::string(header);
  }
  size_t h = 0;
  for (char c : header) h = h * 31 + static_cast<unsigned char>(c);
  return f.paths[h % f.paths.size()];
}

// Splits the input into path -> bytes at its header lines; the newline before a header belongs
// to the separator. A later part for the same path replaces an earlier one.
std::map<std::string, std::string> split(std::string_view text, const Fixture& f) {
  constexpr std::string_view kMarker = "=== ";
  std::vector<size_t> starts;
  if (text.substr(0, kMarker.size()) == kMarker) starts.push_back(0);
  for (size_t i = text.find("\n=== "); i != std::string_view::npos && starts.size() < kMaxParts;
       i = text.find("\n=== ", i + 1)) {
    starts.push_back(i + 1);
  }
  std::map<std::string, std::string> out;
  for (size_t k = 0; k < starts.size(); ++k) {
    size_t end = k + 1 < starts.size() ? starts[k + 1] - 1 : text.size();
    std::string_view part =
        text.substr(starts[k] + kMarker.size(), end - starts[k] - kMarker.size());
    size_t eol = part.find('\n');
    std::string_view header = part.substr(0, eol);
    std::string_view body =
        eol == std::string_view::npos ? std::string_view() : part.substr(eol + 1);
    out[place(header, f)] = std::string(body);
  }
  return out;
}

void write_folder(const fs::path& dir, const std::map<std::string, std::string>& parts) {
  for (const auto& [relative, bytes] : parts) {
    fs::path file = dir / relative;
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) std::abort();
  }
}

void check_report(const aksarc::Report& report, const Fixture& f) {
  std::set<std::string, std::less<>> reported;
  for (const aksarc::CheckResult& r : report.results) {
    if (r.check_id.empty() || r.rule.empty() || aksarc::to_string(r.status).empty()) std::abort();
    reported.insert(r.check_id);
  }
  for (const aksarc::Check* check : f.inputs.checks) {
    if (reported.count(check->id()) == 0) std::abort();  // every check says something
  }
  int code = aksarc::exit_code_of(report.verdict);
  if (code != 0 && code != 2 && code != 3) std::abort();
  aksarc::json doc = aksarc::report_to_json(report);
  std::ostringstream out;
  aksarc::plugin::write_structured(doc, "json", out);
  aksarc::plugin::write_structured(doc, "yaml", out);
  aksarc::plugin::render_report_table(report, aksarc::plugin::TableStyle{true, false}, out);
  aksarc::plugin::render_report_table(report, aksarc::plugin::TableStyle{false, true}, out);
  if (out.str().empty()) std::abort();
}

void judge_folder(const std::string& dir, const std::map<std::string, std::string>& parts,
                  const Fixture& f) {
  aksarc::plugin::GlobalOptions options = f.options;
  options.from_dump = dir;
  auto state = aksarc::plugin::acquire_state(options, std::nullopt, f.plan, nullptr);
  if (!state.ok()) {
    const aksarc::Error& e = state.error();
    if (e.message.empty()) std::abort();
    if (e.code != aksarc::ErrorCode::kNotFound && e.code != aksarc::ErrorCode::kParse &&
        e.code != aksarc::ErrorCode::kIo) {
      std::abort();
    }
    return;
  }
  aksarc::plugin::JudgeInputs inputs = f.inputs;
  if (auto arc = parts.find("arc-status.json"); arc != parts.end()) {
    // The plugin refuses an arc-status.json that is not a JSON object (exit 1, no report).
    aksarc::json doc = aksarc::json::parse(arc->second, nullptr, false);
    if (!doc.is_object()) return;
    inputs.arc_status = std::move(doc);
  }
  check_report(aksarc::plugin::judge(state.value(), inputs), f);
  // --platform azure-local: the version rules run even when detection cannot tell.
  inputs.platform = aksarc::Platform::kAzureLocal;
  check_report(aksarc::plugin::judge(state.value(), inputs), f);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fixture();
  // Registered after the fixture exists: removes the per-process folder at a normal exit.
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(fixture().root, ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = fixture();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> parts = split(text, f);
  fs::path dir = fs::path(f.root) / "dump";
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (!fs::create_directory(dir, ec)) std::abort();
  write_folder(dir, parts);
  judge_folder(dir.string(), parts, f);
  fs::remove_all(dir, ec);
  return 0;
}
