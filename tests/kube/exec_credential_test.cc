#include "kube/exec_credential.h"

#include <doctest/doctest.h>
#include <fcntl.h>

#include <algorithm>
#include <cstdlib>
#include <thread>
#include <vector>

#include "core/json_access.h"
#include "kube/base64.h"
#include "kube/kubeconfig.h"
#include "tests/kube/kubeconfig_test_util.h"

namespace aksarc::kube {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
using testing::write_file;

constexpr const char* kV1 = "client.authentication.k8s.io/v1";
constexpr const char* kV1beta1 = "client.authentication.k8s.io/v1beta1";
const char* kFakePem = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A plugin script that appends a line to `runs` each time it runs, then runs `body`.
std::string make_plugin(const TempDir& dir, const std::string& body) {
  std::string path = dir / "plugin.sh";
  write_file(path, "#!/bin/sh\necho run >> '" + dir / "runs" + "'\n" + body + "\n", 0755);
  return path;
}

// A plugin printing `json` on stdout.
std::string make_printing_plugin(const TempDir& dir, const std::string& json) {
  write_file(dir / "answer.json", json);
  return make_plugin(dir, "cat '" + dir / "answer.json" + "'");
}

size_t runs(const TempDir& dir) {
  std::string text = testing::read_file(dir / "runs");
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

RestConfig exec_config(const std::string& command, const std::string& api_version = kV1) {
  RestConfig rc;
  rc.server = "https://10.0.0.1:6443";
  rc.tls_server_name = "api.internal";
  rc.ca_pem = kFakePem;
  ExecConfig exec;
  exec.api_version = api_version;
  exec.command = command;
  exec.interactive_mode = "Never";
  rc.exec = exec;
  return rc;
}

// Options for tests: no terminal, the plugin's stderr into a file of the temp dir.
struct TestOptions {
  explicit TestOptions(const TempDir& dir)
      : fd(open((dir / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {
    options.stdin_is_tty = false;
    options.stderr_fd = fd;
    options.timeout = 10s;
  }
  ~TestOptions() { close(fd); }
  TestOptions(const TestOptions&) = delete;
  TestOptions& operator=(const TestOptions&) = delete;
  int fd;
  ExecOptions options;
};

std::string credential(const std::string& api_version, const std::string& status) {
  return R"({"apiVersion": ")" + api_version + R"(", "kind": "ExecCredential", "status": )" +
         status + "}";
}

}  // namespace

TEST_CASE("RFC 3339 timestamps") {
  using std::chrono::seconds;
  auto at = [](std::string_view text) {
    auto t = parse_rfc3339(text);
    return t ? std::chrono::duration_cast<seconds>(t->time_since_epoch()).count() : -1;
  };
  CHECK(at("1970-01-01T00:00:00Z") == 0);
  CHECK(at("2026-11-25T20:00:00Z") == 1795636800);
  CHECK(at("2026-11-25T21:00:00+01:00") == 1795636800);
  CHECK(at("2026-11-25T19:30:00.123456-00:30") == 1795636800);
  CHECK(at("2026-11-25t20:00:00z") == 1795636800);
  CHECK_FALSE(parse_rfc3339("2026-11-25"));
  CHECK_FALSE(parse_rfc3339("2026-11-25T20:00:00"));  // no zone
  CHECK_FALSE(parse_rfc3339("2026-11-25T24:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-02-30T20:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-25T20:00:00Zjunk"));
  CHECK_FALSE(parse_rfc3339("2026-11-25T20:00:00.Z"));
}

// Found by fuzz/fuzz_exec_credential: a year outside system_clock's nanosecond range (about
// 1678..2262) overflowed the conversion (undefined behaviour, an arbitrary expiry). It saturates.
TEST_CASE("RFC 3339 timestamps outside system_clock's range saturate") {
  using TimePoint = std::chrono::system_clock::time_point;
  CHECK(parse_rfc3339("0758-11-26T20:00:00Z") == TimePoint::min());
  CHECK(parse_rfc3339("0001-01-01T00:00:00Z") == TimePoint::min());
  CHECK(parse_rfc3339("9999-12-31T23:59:59+23:59") == TimePoint::max());
  CHECK(parse_rfc3339("2262-04-12T00:00:00Z") == TimePoint::max());
  CHECK(parse_rfc3339("2262-04-11T00:00:00Z") < TimePoint::max());

  // Through parse_exec_credential: a past expiry is already expired, a far one never expires.
  ExecConfig exec;
  exec.api_version = kV1;
  exec.command = "plugin";
  auto past = parse_exec_credential(
      credential(kV1, R"({"token": "t", "expirationTimestamp": "0758-11-26T20:00:00Z"})"), exec);
  REQUIRE(past.ok());
  CHECK(past.value().expiry == TimePoint::min());
  auto far = parse_exec_credential(
      credential(kV1, R"({"token": "t", "expirationTimestamp": "9999-12-31T23:59:59Z"})"), exec);
  REQUIRE(far.ok());
  CHECK(far.value().expiry == TimePoint::max());
}

TEST_CASE("exec v1 token: args passed, cached without expiry, re-run after invalidate") {
  TempDir dir;
  std::string plugin =
      make_plugin(dir, "printf '%s ' \"$@\" > '" + dir / "args" + "'\n" + "echo '" +
                           credential(kV1, R"({"token": "tok-1"})") + "'");
  RestConfig rc = exec_config(plugin);
  rc.exec->args = {"get-token", "--server-id", "with space"};
  TestOptions opts(dir);
  CredentialProvider provider(rc, opts.options);
  auto first = provider.get();
  REQUIRE(first.ok());
  CHECK(first.value().bearer_token == "tok-1");
  CHECK_FALSE(first.value().expiry);
  CHECK(testing::read_file(dir / "args") == "get-token --server-id with space ");
  REQUIRE(provider.get().ok());
  CHECK(runs(dir) == 1);
  provider.invalidate();
  REQUIRE(provider.get().ok());
  CHECK(runs(dir) == 2);
}

TEST_CASE("credentials_fn: force_refresh after a 401 re-runs the plugin") {
  TempDir dir;
  std::string plugin = make_printing_plugin(dir, credential(kV1, R"({"token": "fn-token"})"));
  TestOptions opts(dir);
  CredentialsFn fn =
      credentials_fn(std::make_shared<CredentialProvider>(exec_config(plugin), opts.options));
  auto first = fn(false);
  REQUIRE(first.ok());
  CHECK(first.value().bearer_token == "fn-token");
  REQUIRE(fn(false).ok());
  CHECK(runs(dir) == 1);
  REQUIRE(fn(true).ok());
  CHECK(runs(dir) == 2);
}

TEST_CASE("exec expiry: cached before expirationTimestamp, re-run after it") {
  TempDir dir;
  std::string plugin = make_printing_plugin(
      dir, credential(kV1, R"({"token": "t", "expirationTimestamp": "2030-01-01T00:00:00Z"})"));
  auto expiry = parse_rfc3339("2030-01-01T00:00:00Z");
  TestOptions opts(dir);

  opts.options.now = [] { return *parse_rfc3339("2029-12-31T23:59:00Z"); };
  CredentialProvider fresh(exec_config(plugin), opts.options);
  auto creds = fresh.get();
  REQUIRE(creds.ok());
  CHECK(creds.value().expiry == expiry);
  REQUIRE(fresh.get().ok());
  CHECK(runs(dir) == 1);

  opts.options.now = [] { return *parse_rfc3339("2030-01-01T00:00:01Z"); };
  CredentialProvider expired(exec_config(plugin), opts.options);
  REQUIRE(expired.get().ok());
  REQUIRE(expired.get().ok());
  CHECK(runs(dir) == 3);
}

TEST_CASE("exec v1beta1 client certificate and key") {
  TempDir dir;
  std::string plugin = make_printing_plugin(
      dir, credential(kV1beta1, R"({"clientCertificateData": "CERT", "clientKeyData": "KEY"})"));
  RestConfig rc = exec_config(plugin, kV1beta1);
  rc.exec->interactive_mode = "IfAvailable";
  TestOptions opts(dir);
  CredentialProvider provider(rc, opts.options);
  auto creds = provider.get();
  REQUIRE(creds.ok());
  CHECK(creds.value().client_cert_pem == "CERT");
  CHECK(creds.value().client_key_pem == "KEY");
  CHECK(creds.value().bearer_token.empty());
}

TEST_CASE("exec environment: parent env, exec env and KUBERNETES_EXEC_INFO reach the plugin") {
  TempDir dir;
  setenv("AKSARC_TEST_PARENT", "from-parent", 1);
  setenv("AKSARC_TEST_OVERRIDDEN", "from-parent", 1);
  std::string plugin = make_plugin(
      dir,
      "printf '%s' \"$KUBERNETES_EXEC_INFO\" > '" + dir / "info" + "'\n" +
          "printf '%s|%s|%s' \"$AKSARC_TEST_PARENT\" \"$AKSARC_TEST_OVERRIDDEN\" \"$FOO\" > '" +
          dir / "env" + "'\n" + "echo '" + credential(kV1, R"({"token": "t"})") + "'");
  RestConfig rc = exec_config(plugin);
  rc.exec->env = {{"FOO", "bar"}, {"AKSARC_TEST_OVERRIDDEN", "from-exec"}};
  rc.exec->provide_cluster_info = true;
  TestOptions opts(dir);
  CredentialProvider provider(rc, opts.options);
  REQUIRE(provider.get().ok());
  CHECK(testing::read_file(dir / "env") == "from-parent|from-exec|bar");

  json info = json::parse(testing::read_file(dir / "info"), nullptr, false);
  REQUIRE(info.is_object());
  CHECK(string_member(info, "apiVersion") == kV1);
  CHECK(string_member(info, "kind") == "ExecCredential");
  const json* spec = object_member(info, "spec");
  REQUIRE(spec);
  CHECK(bool_member(*spec, "interactive") == std::optional<bool>(false));
  const json* cluster = object_member(*spec, "cluster");
  REQUIRE(cluster);
  CHECK(string_member(*cluster, "server") == "https://10.0.0.1:6443");
  CHECK(string_member(*cluster, "tls-server-name") == "api.internal");
  CHECK(string_member(*cluster, "certificate-authority-data") == base64_encode(kFakePem));

  rc.exec->provide_cluster_info = false;
  CredentialProvider without(rc, opts.options);
  REQUIRE(without.get().ok());
  json bare = json::parse(testing::read_file(dir / "info"), nullptr, false);
  REQUIRE(bare.is_object());
  REQUIRE(object_member(bare, "spec"));
  CHECK_FALSE(object_member(*object_member(bare, "spec"), "cluster"));
  unsetenv("AKSARC_TEST_PARENT");
  unsetenv("AKSARC_TEST_OVERRIDDEN");
}

TEST_CASE("exec failures: exit code, stderr passed through, no secret in the message") {
  TempDir dir;
  std::string plugin =
      make_plugin(dir, "echo 'login required: run az login' >&2\necho '" +
                           credential(kV1, R"({"token": "SECRET-TOKEN-123"})") + "'\nexit 3");
  TestOptions opts(dir);
  CredentialProvider provider(exec_config(plugin), opts.options);
  auto creds = provider.get();
  REQUIRE_FALSE(creds.ok());
  CHECK(creds.error().code == ErrorCode::kUnavailable);
  CHECK(contains(creds.error().message, "exit code 3"));
  CHECK_FALSE(contains(creds.error().message, "SECRET-TOKEN-123"));
  CHECK(contains(testing::read_file(dir / "stderr"), "login required: run az login"));
}

TEST_CASE("exec output that is not a usable ExecCredential") {
  struct Case {
    std::string output, expected;
  };
  const std::vector<Case> cases = {
      {"SECRET-GARBAGE not json", "did not print a JSON ExecCredential"},
      {credential(kV1beta1, R"({"token": "SECRET-TOKEN"})"), "configured for apiVersion"},
      {R"({"apiVersion": ")" + std::string(kV1) +
           R"(", "kind": "Secret", "status": {"token": "SECRET-TOKEN"}})",
       "not ExecCredential"},
      {R"({"apiVersion": ")" + std::string(kV1) + R"(", "kind": "ExecCredential"})",
       "without a status"},
      {credential(kV1, R"({"clientCertificateData": "SECRET-CERT"})"), "without a key"},
      {credential(kV1, "{}"), "neither status.token"},
      {credential(kV1, R"({"token": "SECRET-TOKEN", "expirationTimestamp": "tomorrow"})"),
       "expirationTimestamp"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.output);
    TempDir dir;
    TestOptions opts(dir);
    CredentialProvider provider(exec_config(make_printing_plugin(dir, c.output)), opts.options);
    auto creds = provider.get();
    REQUIRE_FALSE(creds.ok());
    CHECK(creds.error().code == ErrorCode::kParse);
    CHECK(contains(creds.error().message, c.expected));
    CHECK_FALSE(contains(creds.error().message, "SECRET"));
  }
}

TEST_CASE("exec timeout kills the plugin and its children") {
  TempDir dir;
  // The background sleep keeps stdout open: only killing the process group ends it.
  std::string plugin = make_plugin(dir, "sleep 1000 &\nsleep 1000");
  TestOptions opts(dir);
  opts.options.timeout = 300ms;
  CredentialProvider provider(exec_config(plugin), opts.options);
  auto start = std::chrono::steady_clock::now();
  auto creds = provider.get();
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(creds.ok());
  CHECK(creds.error().code == ErrorCode::kUnavailable);
  CHECK(contains(creds.error().message, "timed out"));
  CHECK(elapsed < 5s);
}

TEST_CASE("exec runs leave no file descriptors behind") {
  auto open_fds = [] {
    size_t n = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/self/fd")) {
      ++n;
    }
    return n;
  };
  TempDir dir;
  TestOptions opts(dir);
  opts.options.timeout = 200ms;
  size_t before = open_fds();
  for (const std::string& body : {std::string("exit 1"), std::string("sleep 1000"),
                                  "echo '" + credential(kV1, R"({"token": "t"})") + "'"}) {
    CredentialProvider provider(exec_config(make_plugin(dir, body)), opts.options);
    (void)provider.get();
  }
  CHECK(open_fds() == before);
  CHECK(runs(dir) == 3);
}

TEST_CASE("exec command not found carries the installHint") {
  TempDir dir;
  TestOptions opts(dir);
  for (const std::string& command :
       std::vector<std::string>{"aksarc-no-such-credential-plugin", dir / "missing/plugin"}) {
    RestConfig rc = exec_config(command);
    rc.exec->install_hint = "kubelogin is required: https://azure.github.io/kubelogin\n";
    CredentialProvider provider(rc, opts.options);
    auto creds = provider.get();
    REQUIRE_FALSE(creds.ok());
    CHECK(creds.error().code == ErrorCode::kNotFound);
    CHECK(contains(creds.error().message, command));
    CHECK(contains(creds.error().message, "kubelogin is required"));
  }
}

TEST_CASE("interactiveMode Always without a terminal does not run the plugin") {
  TempDir dir;
  std::string plugin = make_printing_plugin(dir, credential(kV1, R"({"token": "t"})"));
  RestConfig rc = exec_config(plugin);
  rc.exec->interactive_mode = "Always";
  TestOptions opts(dir);
  CredentialProvider provider(rc, opts.options);
  auto creds = provider.get();
  REQUIRE_FALSE(creds.ok());
  CHECK(creds.error().code == ErrorCode::kInvalidArgument);
  CHECK(runs(dir) == 0);
}

TEST_CASE("exec command relative to the kubeconfig's directory, end to end") {
  TempDir dir;
  write_file(dir / "kube/bin/plugin.sh",
             "#!/bin/sh\necho '" + credential(kV1, R"({"token": "relative-ok"})") + "'\n", 0755);
  write_file(dir / "kube/config",
             "clusters: [{name: c, cluster: {server: https://c.example.org}}]\n"
             "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, "
             "command: ./bin/plugin.sh, interactiveMode: Never}}}]\n"
             "contexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n");
  KubeconfigSelection selection;
  selection.kubeconfig_flag = dir / "kube/config";
  auto rc = load_rest_config(selection);
  REQUIRE(rc.ok());
  TestOptions opts(dir);
  CredentialProvider provider(rc.value(), opts.options);
  auto creds = provider.get();
  REQUIRE(creds.ok());
  CHECK(creds.value().bearer_token == "relative-ok");
}

TEST_CASE("static credentials: token file re-read after invalidate, client cert as is") {
  TempDir dir;
  write_file(dir / "token", "first\n");
  RestConfig rc;
  rc.server = "https://10.0.0.1";
  rc.bearer_token = "first";
  rc.token_file = dir / "token";
  rc.client_cert_pem = "CERT";
  rc.client_key_pem = "KEY";
  CredentialProvider provider(rc);
  write_file(dir / "token", "rotated\n");
  auto before = provider.get();
  REQUIRE(before.ok());
  CHECK(before.value().bearer_token == "first");
  CHECK(before.value().client_cert_pem == "CERT");
  CHECK(before.value().client_key_pem == "KEY");
  provider.invalidate();
  auto after = provider.get();
  REQUIRE(after.ok());
  CHECK(after.value().bearer_token == "rotated");

  std::filesystem::remove(dir / "token");
  provider.invalidate();
  auto gone = provider.get();
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == ErrorCode::kIo);
}

TEST_CASE("concurrent callers share one plugin run") {
  TempDir dir;
  std::string plugin =
      make_plugin(dir, "sleep 0.2\necho '" + credential(kV1, R"({"token": "shared"})") + "'");
  TestOptions opts(dir);
  CredentialProvider provider(exec_config(plugin), opts.options);
  std::vector<std::thread> threads;
  std::vector<std::string> tokens(4);
  for (size_t i = 0; i < tokens.size(); ++i) {
    threads.emplace_back([&, i] {
      auto creds = provider.get();
      if (creds.ok()) tokens[i] = creds.value().bearer_token;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(runs(dir) == 1);
  for (const auto& token : tokens) CHECK(token == "shared");
}

}  // namespace aksarc::kube
