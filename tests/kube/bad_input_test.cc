// Regression tests for what the plugin's bad-input catalogue (tests/reliability/
// catalogue_plugin.sh) found in kube/: broken API answers (redirects, cut-short bodies, silence,
// plain HTTP, endless pagination, deep nesting, terminal escapes in messages), a key that does
// not match its certificate, a failing exec plugin run once per request, a folder as
// --kubeconfig.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include "kube/client.h"
#include "kube/exec_credential.h"
#include "kube/fetch.h"
#include "kube/kubeconfig.h"
#include "tests/kube/kubeconfig_test_util.h"
#include "tests/kube/test_server.h"

namespace aksarc::kube {
namespace {

using testing::pki;
using testing::reply_json;
using testing::TempDir;
using testing::TestServer;
using testing::write_file;

constexpr const char* kVersion = R"({"major":"1","minor":"31","gitVersion":"v1.31.10"})";

RestConfig config_for(const std::string& url) {
  RestConfig config;
  config.server = url;
  config.ca_pem = pki().ca.cert;
  config.context_name = "test";
  config.request_timeout_seconds = 5;
  return config;
}

std::unique_ptr<KubeClient> must_create(const RestConfig& config, CredentialsFn creds = nullptr) {
  ClientOptions options;
  options.initial_backoff = std::chrono::milliseconds(10);
  auto client = KubeClient::create(config, std::move(creds), options);
  REQUIRE_MESSAGE(client.ok(), (client.ok() ? "" : client.error().message));
  return std::move(client).value();
}

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE(
    "bad input: a key that does not match its certificate fails at create, credentials fn "
    "or not") {
  // The plugin always passes a credentials function; the mismatch was then found only per
  // request, every list failed with it, and the report said "unknown" everywhere (exit 2).
  RestConfig config = config_for("https://127.0.0.1:1");
  config.client_cert_pem = pki().client.cert;
  config.client_key_pem = pki().stranger.key;
  auto provider = std::make_shared<CredentialProvider>(config);
  auto client = KubeClient::create(config, credentials_fn(provider));
  REQUIRE_FALSE(client.ok());
  CHECK(has(client.error().message, "client-key does not match client-certificate"));
}

TEST_CASE("bad input: a redirect is an error naming its target, and is not followed") {
  std::atomic<int> requests{0};
  TestServer server(pki().server, [&](const httplib::Request&, httplib::Response& res) {
    ++requests;
    res.status = 302;
    res.set_header("Location", "https://login.example.invalid/oauth?state=s3cret");
  });
  auto r = must_create(config_for(server.url()))->get_json("/version");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kInvalidArgument);
  CHECK(has(r.error().message, "HTTP 302 redirect to https://login.example.invalid/oauth"));
  CHECK_FALSE(has(r.error().message, "s3cret"));
  CHECK(requests == 1);
}

TEST_CASE("bad input: an answer cut short is told apart from a timeout") {
  TestServer server(pki().server, [](const httplib::Request&, httplib::Response& res) {
    auto body = std::make_shared<std::string>(R"({"kind":"NodeList","items":[]})");
    res.set_content_provider(body->size() + 100, "application/json",
                             [body](size_t offset, size_t, httplib::DataSink& sink) {
                               if (offset >= body->size()) return false;  // then close
                               return sink.write(body->data(), body->size());
                             });
  });
  auto start = std::chrono::steady_clock::now();
  auto r = must_create(config_for(server.url()))->get_json("/api/v1/nodes");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kUnavailable);
  CHECK(has(r.error().message, "closed the connection before the answer was complete"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
}

TEST_CASE("bad input: a server that never answers is cut by the request timeout") {
  std::atomic<bool> release{false};
  TestServer server(pki().server, [&](const httplib::Request&, httplib::Response& res) {
    for (int i = 0; i < 300 && !release; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    reply_json(res, 200, kVersion);
  });
  RestConfig config = config_for(server.url());
  config.request_timeout_seconds = 0.5;
  auto r = must_create(config)->get_json("/version");
  release = true;
  REQUIRE_FALSE(r.ok());
  CHECK(has(r.error().message, "no answer within 0.5 s (--request-timeout"));
}

TEST_CASE("bad input: a plain-HTTP port on an https:// URL is named as such") {
  httplib::Server plain;
  plain.Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("hello", "text/plain");
  });
  int port = plain.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { plain.listen_after_bind(); });
  for (int i = 0; i < 500 && !plain.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto r = must_create(config_for("https://127.0.0.1:" + std::to_string(port)))->get_json("/x");
  plain.stop();
  serving.join();
  REQUIRE_FALSE(r.ok());
  CHECK(has(r.error().message, "did not answer in TLS"));
}

TEST_CASE("bad input: a server ignoring continue tokens is stopped at the second page") {
  std::atomic<int> requests{0};
  TestServer server(pki().server, [&](const httplib::Request&, httplib::Response& res) {
    int n = ++requests;
    reply_json(res, 200,
               R"({"kind":"NodeList","metadata":{"continue":"token-)" + std::to_string(n) +
                   R"("},"items":[{"metadata":{"name":"n1"}}]})");
  });
  auto list = must_create(config_for(server.url()))->list(resources::nodes());
  REQUIRE_FALSE(list.ok());
  CHECK(has(list.error().message, "page 2 repeats objects of the page before"));
  CHECK(requests == 2);
}

TEST_CASE("bad input: deep nesting and terminal escapes from the server stay harmless") {
  TestServer server(pki().server, [](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/deep") {
      reply_json(res, 200, std::string(100000, '[') + std::string(100000, ']'));
    } else {
      reply_json(res, 500, R"({"kind":"Status","message":"boom\n\u001b[2Jcleared"})");
    }
  });
  auto client = must_create(config_for(server.url()));
  auto deep = client->get_json("/deep");
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().code == ErrorCode::kParse);
  CHECK(has(deep.error().message, "nests deeper than"));
  auto escaped = client->get_json("/status");
  REQUIRE_FALSE(escaped.ok());
  CHECK(has(escaped.error().message, "boom  [2Jcleared"));
  CHECK_FALSE(has(escaped.error().message, "\x1b"));
}

TEST_CASE("bad input: /version that is not an object is a version error") {
  TestServer server(pki().server, [](const httplib::Request&, httplib::Response& res) {
    reply_json(res, 200, R"(["v1.31.10"])");
  });
  auto client = must_create(config_for(server.url()));
  FetchPlan plan;
  plan.discovery = false;
  ClusterState state = fetch_cluster_state(*client, plan, nullptr);
  REQUIRE(state.version_error);
  CHECK(has(state.version_error->message, "/version: the answer is not a version object"));
}

TEST_CASE("bad input: a failing exec plugin runs once, not once per request") {
  // Every request of a fetch asked for credentials; a plugin that failed (or hung until its
  // timeout) was run again for each, repeating its prompts and multiplying the wait.
  TempDir dir;
  const std::string plugin = dir / "fails.sh";
  write_file(plugin, "#!/bin/sh\necho run >> '" + dir / "runs" + "'\nexit 1\n", 0755);
  RestConfig config = config_for("https://127.0.0.1:1");
  ExecConfig exec;
  exec.api_version = "client.authentication.k8s.io/v1";
  exec.command = plugin;
  exec.interactive_mode = "Never";
  config.exec = exec;
  ExecOptions options;
  options.stdin_is_tty = false;
  auto provider = std::make_shared<CredentialProvider>(config, options);
  auto client = must_create(config, credentials_fn(provider));
  FetchPlan plan;
  plan.lists = {resources::nodes(), resources::pods("kube-system"),
                resources::configmaps("kube-system"), resources::daemonsets("kube-system")};
  ClusterState state = fetch_cluster_state(*client, plan, nullptr);
  REQUIRE(state.version_error);
  CHECK(has(state.version_error->message, "failed with exit code 1"));
  std::ifstream runs(dir / "runs");
  int count = 0;
  for (std::string line; std::getline(runs, line);) ++count;
  CHECK(count == 1);
}

TEST_CASE("bad input: --kubeconfig naming a folder says so") {
  TempDir dir;
  KubeconfigSelection selection;
  selection.kubeconfig_flag = dir.path();
  auto r = load_rest_config(selection);
  REQUIRE_FALSE(r.ok());
  CHECK(has(r.error().message, dir.path() + " is a directory, not a kubeconfig file"));
  selection.kubeconfig_flag = dir / "missing";
  CHECK(has(load_rest_config(selection).error().message, "missing: no such file"));
}

}  // namespace
}  // namespace aksarc::kube
