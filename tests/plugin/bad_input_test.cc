// Regression tests for what the plugin's bad-input catalogue (tests/reliability/
// catalogue_plugin.sh) found in plugin/: dumps nested deep enough to overflow the stack, a server
// answering nothing usable reported as AtRisk, flags that contradict each other or make no sense
// together, a hanging exec plugin that --request-timeout could not shorten, durations that
// overflow, and kubectl's last-flag-wins.

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "plugin/cmd_check.h"
#include "plugin/cmd_snapshot.h"
#include "plugin/global_options.h"
#include "tests/kube/test_server.h"

namespace aksarc::plugin {
namespace {

namespace fs = std::filesystem;

const std::string kHealthy = std::string(AKSARC_TESTDATA_DIR) + "/clusters/aksarc-healthy";

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

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("aksarc-bad-input-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

void write(const std::string& file, const std::string& text, fs::perms mode = fs::perms(0644)) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
  fs::permissions(file, mode);
}

std::string nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

GlobalOptions dump_options(const std::string& dir) {
  GlobalOptions o;
  o.from_dump = dir;
  o.at = "2025-11-25";
  o.output = "json";
  return o;
}

TEST_CASE("bad input: a dump nested 200,000 levels deep is an error, not a stack overflow") {
  TempDir dir;
  fs::copy(kHealthy, dir.path, fs::copy_options::recursive);
  write(dir / "nodes.json",
        R"({"kind":"List","items":[{"metadata":{"name":"deep"},"x":)" + nested(200000) + "}]}");
  Run r = check(dump_options(dir.path.string()));
  CHECK(r.code == kExitCannotRun);
  CHECK(has(r.err, "nodes.json in the dump nests deeper than 512 levels"));
  write(dir / "nodes.json", "{\"kind\":\"List\",\"items\":[]}");
  write(dir / "kube-system/configmaps.json", R"({"items":[{"data":)" + nested(100000) + "}]}");
  CHECK(has(check(dump_options(dir.path.string())).err,
            "kube-system/configmaps.json in the dump nests deeper than"));
}

TEST_CASE("bad input: deep --arc-status and --policy-data are refused before use") {
  TempDir dir;
  write(dir / "arc.json", R"({"connectivityStatus":"Connected","x":)" + nested(100000) + "}");
  GlobalOptions o = dump_options(kHealthy);
  o.arc_status = dir / "arc.json";
  Run r = check(o);
  CHECK(r.code == kExitCannotRun);
  CHECK(has(r.err, "--arc-status " + (dir / "arc.json") + ": nests deeper than 512 levels"));
  write(dir / "data.json", R"({"asOf":)" + nested(100000) + "}");
  o = dump_options(kHealthy);
  o.policy_data = dir / "data.json";
  CHECK(has(check(o).err, "nests deeper than 512 levels"));
}

TEST_CASE("bad input: snapshot with a bad --arc-status writes nothing") {
  // It used to fail after writing the snapshot folder, leaving half a snapshot behind.
  TempDir dir;
  write(dir / "arc.json", "[\"not an object\"]");
  GlobalOptions o;
  o.from_dump = kHealthy;
  o.arc_status = dir / "arc.json";
  std::ostringstream out, err;
  CHECK(run_snapshot(dir / "snapshot", o, out, err) == kExitCannotRun);
  CHECK(has(err.str(), "--arc-status"));
  CHECK_FALSE(fs::exists(dir / "snapshot"));
}

TEST_CASE("bad input: live-cluster flags with --from-dump are refused, not ignored") {
  for (auto set : {+[](GlobalOptions& o) { o.context = "prod"; },
                   +[](GlobalOptions& o) { o.kubeconfig = "/tmp/kc"; },
                   +[](GlobalOptions& o) { o.request_timeout = "5s"; }}) {
    GlobalOptions o = dump_options(kHealthy);
    set(o);
    Run r = check(o);
    CHECK(r.code == kExitCannotRun);
    CHECK(has(r.err, "--from-dump reads a saved dump; "));
    CHECK(r.out.empty());
  }
}

TEST_CASE("bad input: --check and --skip naming one check, or an empty ID, are refused") {
  GlobalOptions o = dump_options(kHealthy);
  o.only_checks = {"kubelet-versions"};
  o.skip_checks = {"kubelet-versions"};
  Run r = check(o);
  CHECK(r.code == kExitCannotRun);
  CHECK(has(r.err, "--check and --skip both name kubelet-versions"));
  o.skip_checks.clear();
  o.only_checks = {""};  // `--check ""`: it selected nothing and reported Unknown (exit 2)
  r = check(o);
  CHECK(r.code == kExitCannotRun);
  CHECK(has(r.err, "one is empty"));
}

TEST_CASE("bad input: a server that answers nothing usable is exit 1, not an AtRisk report") {
  // HTML (a web server or a login page behind the URL) for every request: before, each check was
  // "unknown" and the exit code said AtRisk.
  kube::testing::TestServer server(kube::testing::pki().server,
                                   [](const httplib::Request&, httplib::Response& res) {
                                     res.set_content("<html>Sign in</html>", "text/html");
                                   });
  TempDir dir;
  std::string ca = dir / "ca.crt";
  write(ca, kube::testing::pki().ca.cert);
  write(dir / "kubeconfig",
        "clusters: [{name: k, cluster: {server: \"" + server.url() +
            "\", certificate-authority: \"" + ca +
            "\"}}]\n"
            "users: [{name: u, user: {token: t}}]\n"
            "contexts: [{name: c, context: {cluster: k, user: u}}]\ncurrent-context: c\n");
  GlobalOptions o;
  o.kubeconfig = dir / "kubeconfig";
  o.at = "2025-11-25";
  Run r = check(o);
  CHECK(r.code == kExitCannotRun);
  CHECK(has(r.err, "cannot read the cluster at " + server.url()));
  CHECK(has(r.err, "the answer is not JSON"));
}

TEST_CASE("bad input: --request-timeout bounds a hanging exec credential plugin") {
  TempDir dir;
  write(dir / "hang.sh", "#!/bin/sh\necho run >> '" + (dir / "runs") + "'\nexec sleep 30\n",
        fs::perms(0755));
  write(dir / "kubeconfig",
        "clusters: [{name: k, cluster: {server: \"https://127.0.0.1:1\"}}]\n"
        "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, "
        "interactiveMode: Never, command: \"" +
            (dir / "hang.sh") +
            "\"}}}]\n"
            "contexts: [{name: c, context: {cluster: k, user: u}}]\ncurrent-context: c\n");
  GlobalOptions o;
  o.kubeconfig = dir / "kubeconfig";
  o.request_timeout = "1s";
  auto start = std::chrono::steady_clock::now();
  Run r = check(o);
  CHECK(r.code == kExitCannotRun);
  CHECK(has(r.err, "timed out and was killed"));
  // One run of one second, not the provider's default minute, nor one run per request.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  std::ifstream runs(dir / "runs");
  int count = 0;
  for (std::string line; std::getline(runs, line);) ++count;
  CHECK(count == 1);
}

TEST_CASE("bad input: durations that would overflow the client's milliseconds are refused") {
  for (const char* text : {"nan", "inf", "infinity", "1e300", "1e3s", "100000h", "0x10"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_duration_seconds(text));
  }
  CHECK(parse_duration_seconds("8760h"));  // a year is still allowed
  CHECK(parse_duration_seconds("1.5s") == doctest::Approx(1.5));
}

TEST_CASE("bad input: a flag given twice takes the last value, as in kubectl") {
  CLI::App app;
  GlobalOptions o;
  add_global_flags(app, o);
  app.parse("--context a --context b -o json -o yaml", /*program_name_included=*/false);
  CHECK(o.output == "yaml");
  CHECK(o.context == "b");
}

}  // namespace
}  // namespace aksarc::plugin
