// The report commands in-process on the shipped sample cluster (a dump folder): exit codes,
// output formats, flag errors, snapshot round trip. The same through kubectl and the test API
// server is kubectl_check_test.sh.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/json_access.h"
#include "plugin/cmd_catalog.h"
#include "plugin/cmd_check.h"
#include "plugin/cmd_snapshot.h"

namespace aksarc::plugin {
namespace {

const std::string kHealthy = std::string(AKSARC_TESTDATA_DIR) + "/clusters/aksarc-healthy";

GlobalOptions healthy_options() {
  GlobalOptions o;
  o.from_dump = kHealthy;
  o.arc_status = kHealthy + ".arc-status.json";
  o.at = "2025-11-25";
  return o;
}

struct Run {
  int code = -1;
  std::string out, err;
};

Run check(const GlobalOptions& o) {
  std::ostringstream out, err;
  Run r;
  r.code = run_check(o, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

json parsed(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

const json* finding(const json& report, std::string_view id) {
  for (const json& f : report["findings"]) {
    if (f["id"] == id) return &f;
  }
  return nullptr;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("aksarc-plugin-" + std::to_string(rd()));
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

TEST_CASE("the sample cluster without Arc status is AtRisk (exit 2): LIFE-3/4 are unknown") {
  GlobalOptions o = healthy_options();
  o.output = "json";
  o.arc_status = "";
  Run r = check(o);
  CHECK(r.code == kExitAtRisk);
  json report = parsed(r.out);
  CHECK(report["apiVersion"] == "aksarc-support.io/v1alpha1");
  CHECK(report["kind"] == "SupportReport");
  CHECK(report["verdict"] == "AtRisk");
  const json* arc = finding(report, "arc-connectivity");
  REQUIRE(arc != nullptr);
  CHECK((*arc)["status"] == "unknown");
  CHECK((*arc)["remediation"].get<std::string>().find("az connectedk8s show") != std::string::npos);
}

TEST_CASE("with its Arc status the sample cluster is Supported (exit 0)") {
  GlobalOptions o = healthy_options();
  o.output = "json";
  Run r = check(o);
  CHECK(r.code == kExitSupported);
  json report = parsed(r.out);
  CHECK(report["verdict"] == "Supported");
  CHECK(report["platform"] == "azure-local");
  CHECK(report["asOf"] == "2025-11-25");
  CHECK(report["summary"]["fail"] == 0);
}

TEST_CASE("--policy-data and --at: support ending soon is a warning, then a failure") {
  // The embedded data announces no end for 1.31 on Azure Local; a newer table does.
  std::ifstream in(std::string(AKSARC_SOURCE_DIR) + "/data/aksarc-versions.json");
  json data = json::parse(in, nullptr, false);
  REQUIRE(data.is_object());
  bool patched = false;
  for (json& minor : data["platforms"]["azure-local"]["minors"]) {
    if (minor["minor"] == "1.31") {
      minor["endOfSupport"] = "2025-12-15";
      patched = true;
    }
  }
  REQUIRE(patched);
  TempDir dir;
  std::filesystem::create_directories(dir.path);
  std::ofstream(dir.path / "versions.json") << data.dump();

  GlobalOptions o = healthy_options();
  o.output = "json";
  o.policy_data = (dir.path / "versions.json").string();
  o.only_checks = {"control-plane-version"};
  Run soon = check(o);
  CHECK(soon.code == kExitAtRisk);
  json report = parsed(soon.out);
  const json* cp = finding(report, "control-plane-version");
  REQUIRE(cp != nullptr);
  CHECK((*cp)["status"] == "warn");
  CHECK((*cp)["rule"] == "VER-1");
  CHECK((*cp)["message"].get<std::string>().find("2025-12-15") != std::string::npos);

  o.at = "2026-01-01";
  Run after = check(o);
  CHECK(after.code == kExitUnsupported);
  CHECK(parsed(after.out)["verdict"] == "Unsupported");
}

TEST_CASE("-o yaml is the same document in block style") {
  GlobalOptions o = healthy_options();
  o.output = "yaml";
  Run r = check(o);
  CHECK(r.code == kExitSupported);
  CHECK(r.out.find("apiVersion: \"aksarc-support.io/v1alpha1\"") != std::string::npos);
  CHECK(r.out.find("verdict: \"Supported\"") != std::string::npos);
  CHECK(r.out.find("findings:") != std::string::npos);
}

TEST_CASE("the table names the cluster, the verdict and each finding's rule") {
  GlobalOptions o = healthy_options();
  Run r = check(o);
  CHECK(r.out.find("Verdict   Supported") != std::string::npos);
  CHECK(r.out.find("VER-2") != std::string::npos);
  CHECK(r.out.find("\033[") == std::string::npos);  // not a terminal: no colour
  o.only_failed = true;
  Run failed_only = check(o);
  CHECK(failed_only.out.find("No fail, warn or unknown findings.") != std::string::npos);
  CHECK(failed_only.out.find("PASS") == std::string::npos);
}

TEST_CASE("--check and --skip choose the checks; an unknown ID is exit 1 naming it") {
  GlobalOptions o = healthy_options();
  o.output = "json";
  o.only_checks = {"cni", "kubelet-versions"};
  json only = parsed(check(o).out);
  CHECK(only["findings"].size() == 2);
  o.only_checks.clear();
  o.skip_checks = {"cni"};
  json skipped = parsed(check(o).out);
  CHECK(finding(skipped, "cni") == nullptr);
  CHECK(finding(skipped, "kubelet-versions") != nullptr);
  o.skip_checks = {"no-such-check"};
  Run bad = check(o);
  CHECK(bad.code == kExitCannotRun);
  CHECK(bad.out.empty());
  CHECK(bad.err.find("no-such-check") != std::string::npos);
}

TEST_CASE("bad inputs are exit 1 with a message naming the flag") {
  GlobalOptions o = healthy_options();
  o.at = "2025-13-01";
  Run at = check(o);
  CHECK(at.code == kExitCannotRun);
  CHECK(at.err.find("--at") != std::string::npos);

  o = healthy_options();
  o.arc_status = "/nonexistent/arc.json";
  Run arc = check(o);
  CHECK(arc.code == kExitCannotRun);
  CHECK(arc.err.find("--arc-status") != std::string::npos);

  TempDir dir;
  std::filesystem::create_directories(dir.path);
  std::ofstream(dir.path / "bad.json") << "{\"asOf\": 12";
  o = healthy_options();
  o.policy_data = (dir.path / "bad.json").string();
  Run data = check(o);
  CHECK(data.code == kExitCannotRun);
  CHECK(data.err.find("--policy-data") != std::string::npos);

  o = healthy_options();
  o.from_dump = dir.path.string();  // a folder, but not a dump
  Run dump = check(o);
  CHECK(dump.code == kExitCannotRun);
  CHECK(dump.err.find("not a cluster dump") != std::string::npos);

  o = healthy_options();
  o.all_contexts = true;
  Run several = check(o);
  CHECK(several.code == kExitCannotRun);
  CHECK(several.err.find("--from-dump") != std::string::npos);
}

TEST_CASE("snapshot of a dump, judged again, gives the same findings; Arc status travels along") {
  TempDir dir;
  GlobalOptions o = healthy_options();
  std::ostringstream out, err;
  REQUIRE(run_snapshot(dir.path.string(), o, out, err) == 0);
  CHECK(out.str().find("--from-dump " + dir.path.string()) != std::string::npos);
  CHECK(std::filesystem::exists(dir.path / "arc-status.json"));
  CHECK(std::filesystem::exists(dir.path / "nodes.json"));

  GlobalOptions original = healthy_options();
  original.output = "json";
  GlobalOptions again = original;
  again.from_dump = dir.path.string();
  again.arc_status = "";  // taken from the snapshot folder
  json a = parsed(check(original).out);
  json b = parsed(check(again).out);
  CHECK(a["findings"] == b["findings"]);
  CHECK(a["verdict"] == b["verdict"]);
  // An existing, non-empty folder is never overwritten.
  std::ostringstream out2, err2;
  CHECK(run_snapshot(dir.path.string(), o, out2, err2) == kExitCannotRun);
}

TEST_CASE("explain takes a check ID or a rule ID; unknown is exit 1") {
  GlobalOptions o;
  std::ostringstream out, err;
  CHECK(run_explain("kubelet-versions", o, out, err) == 0);
  CHECK(out.str().find("kubelet-versions (VER-2)") != std::string::npos);
  std::ostringstream rule_out, rule_err;
  CHECK(run_explain("node-2", o, rule_out, rule_err) == 0);
  CHECK(rule_out.str().find("node-system-labels") != std::string::npos);
  CHECK(rule_out.str().find("nodepool-label") != std::string::npos);
  std::ostringstream bad_out, bad_err;
  CHECK(run_explain("VER-9", o, bad_out, bad_err) == kExitCannotRun);
  CHECK(bad_err.str().find("VER-9") != std::string::npos);
}

TEST_CASE("versions: the table per platform with each minor's status at --at") {
  GlobalOptions o;
  o.output = "json";
  o.platform = "azure-local";
  o.at = "2025-11-25";
  std::ostringstream out, err;
  REQUIRE(run_versions(o, out, err) == 0);
  json doc = parsed(out.str());
  CHECK(doc["kind"] == "VersionTable");
  REQUIRE(doc["platforms"].size() == 1);
  CHECK(doc["platforms"][0]["platform"] == "azure-local");
  bool found_131 = false;
  for (const json& m : doc["platforms"][0]["minors"]) {
    if (m["minor"] == "1.31") {
      found_131 = true;
      CHECK(m["status"] == "supported");
    }
  }
  CHECK(found_131);
}

}  // namespace aksarc::plugin

namespace aksarc::plugin {

TEST_CASE("policy data older than 120 days is a warning on stderr, not on stdout") {
  std::ifstream in(std::string(AKSARC_SOURCE_DIR) + "/data/aksarc-versions.json");
  json data = json::parse(in, nullptr, false);
  REQUIRE(data.is_object());
  data["asOf"] = "2020-01-01";
  std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("aksarc-old-data-" + std::to_string(getpid()));
  std::ofstream(file) << data.dump();
  GlobalOptions o;
  o.from_dump = std::string(AKSARC_TESTDATA_DIR) + "/clusters/aksarc-healthy";
  o.policy_data = file.string();
  o.output = "json";
  std::ostringstream out, err;
  run_check(o, out, err);
  std::filesystem::remove(file);
  CHECK(err.str().find("warning: the AKS Arc version data is") != std::string::npos);
  CHECK(err.str().find("2020-01-01") != std::string::npos);
  CHECK(out.str().find("warning") == std::string::npos);
  CHECK(json::parse(out.str(), nullptr, false)["dataAsOf"] == "2020-01-01");
}

}  // namespace aksarc::plugin
