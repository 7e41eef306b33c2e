// KubeClient and fetch_cluster_state against a small in-test HTTPS server (tests/kube/
// test_server.h): trust, authentication, error mapping, retries, pagination, timeouts.

#include "kube/client.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>

#include "kube/dump.h"
#include "kube/fetch.h"
#include "tests/kube/test_apiserver.h"
#include "tests/kube/test_server.h"

namespace aksarc::kube {
namespace {

using testing::pki;
using testing::reply_json;
using testing::TestServer;

constexpr const char* kVersion = R"({"major":"1","minor":"30","gitVersion":"v1.30.4"})";

RestConfig config_for(const TestServer& server) {
  RestConfig config;
  config.server = server.url();
  config.ca_pem = pki().ca.cert;
  config.context_name = "test";
  config.request_timeout_seconds = 5;
  return config;
}

ClientOptions fast_options() {
  ClientOptions options;
  options.initial_backoff = std::chrono::milliseconds(10);
  options.max_total_backoff = std::chrono::milliseconds(3000);
  return options;
}

std::unique_ptr<KubeClient> must_create(const RestConfig& config, CredentialsFn creds = nullptr) {
  auto client = KubeClient::create(config, std::move(creds), fast_options());
  REQUIRE_MESSAGE(client.ok(), (client.ok() ? "" : client.error().message));
  return std::move(client).value();
}

void serve_version(const httplib::Request&, httplib::Response& res) {
  reply_json(res, 200, kVersion);
}

TEST_CASE("client: verifies the server against the configured CA") {
  TestServer server(pki().server, serve_version);
  auto client = must_create(config_for(server));
  auto version = client->get_json("/version");
  REQUIRE(version.ok());
  CHECK(string_member(version.value(), "gitVersion") == "v1.30.4");

  RestConfig wrong = config_for(server);
  wrong.ca_pem = pki().other_ca.cert;
  auto untrusted = must_create(wrong)->get_json("/version");
  REQUIRE_FALSE(untrusted.ok());
  CHECK(untrusted.error().code == ErrorCode::kUnavailable);
  CHECK(untrusted.error().message.find("not trusted") != std::string::npos);
  CHECK(untrusted.error().message.find(server.url()) != std::string::npos);
}

TEST_CASE("client: insecure-skip-tls-verify accepts an unknown CA") {
  TestServer server(pki().server, serve_version);
  RestConfig config = config_for(server);
  config.ca_pem = pki().other_ca.cert;
  config.insecure_skip_tls_verify = true;
  CHECK(must_create(config)->get_json("/version").ok());
}

TEST_CASE("client: tls-server-name is sent as SNI and checked against the certificate") {
  TestServer server(pki().named_server, serve_version);
  RestConfig config = config_for(server);
  auto mismatch = must_create(config)->get_json("/version");
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().message.find("not trusted") != std::string::npos);

  config.tls_server_name = "kube.internal";
  CHECK(must_create(config)->get_json("/version").ok());
  CHECK(server.sni() == "kube.internal");
}

TEST_CASE("client: rejects bad configuration up front") {
  RestConfig config;
  config.server = "http://127.0.0.1:1";
  CHECK(KubeClient::create(config).error().code == ErrorCode::kInvalidArgument);
  config.server = "https://127.0.0.1:1";
  config.proxy_url = "socks5://127.0.0.1:1080";
  auto socks = KubeClient::create(config);
  REQUIRE_FALSE(socks.ok());
  CHECK(socks.error().message.find("only http://") != std::string::npos);
  config.proxy_url = "";
  config.ca_pem = "not a certificate";
  CHECK(KubeClient::create(config).error().code == ErrorCode::kInvalidArgument);
  config.ca_pem = "";
  config.client_cert_pem = pki().client.cert;
  config.client_key_pem = pki().stranger.key;
  auto mismatch = KubeClient::create(config);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().message.find("does not match") != std::string::npos);
}

TEST_CASE("client: bearer token, 401 and one credentials refresh") {
  std::atomic<int> requests{0};
  TestServer server(pki().server, [&](const httplib::Request& req, httplib::Response& res) {
    ++requests;
    if (req.get_header_value("Authorization") != "Bearer fresh") {
      reply_json(res, 401, R"({"kind":"Status","code":401,"message":"Unauthorized"})");
      return;
    }
    reply_json(res, 200, kVersion);
  });
  RestConfig config = config_for(server);
  config.bearer_token = "fresh";
  CHECK(must_create(config)->get_json("/version").ok());

  config.bearer_token = "stale";
  requests = 0;
  auto rejected = must_create(config)->get_json("/version");
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.error().code == ErrorCode::kUnauthorized);
  CHECK(requests == 2);  // one retry after the 401, then give up

  std::vector<bool> calls;
  auto provider = [&calls](bool force) -> Result<Credentials> {
    calls.push_back(force);
    Credentials c;
    c.bearer_token = force ? "fresh" : "expired";
    return c;
  };
  CHECK(must_create(config, provider)->get_json("/version").ok());
  CHECK(calls == std::vector<bool>{false, true});
}

TEST_CASE("client: client certificate authentication") {
  TestServer server(pki().server, serve_version, &pki().ca);
  RestConfig config = config_for(server);
  auto anonymous = must_create(config)->get_json("/version");
  REQUIRE_FALSE(anonymous.ok());
  CHECK(anonymous.error().code == ErrorCode::kUnavailable);

  config.client_cert_pem = pki().client.cert;
  config.client_key_pem = pki().client.key;
  auto with_cert = must_create(config)->get_json("/version");
  CHECK_MESSAGE(with_cert.ok(), (with_cert.ok() ? "" : with_cert.error().message));

  config.client_cert_pem = pki().stranger.cert;
  config.client_key_pem = pki().stranger.key;
  CHECK_FALSE(must_create(config)->get_json("/version").ok());
}

TEST_CASE(
    "client: 403 keeps the API server's message, 404 is NotFound, bad JSON is a parse error") {
  TestServer server(pki().server, [](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/api/v1/secrets") {
      reply_json(res, 403,
                 R"({"kind":"Status","code":403,"reason":"Forbidden","message":"secrets is )"
                 R"(forbidden: User \"bob\" cannot list resource \"secrets\" in API group \"\" )"
                 R"(at the cluster scope"})");
    } else if (req.path == "/garbage") {
      reply_json(res, 200, "<html>not json</html>");
    } else {
      reply_json(res, 404,
                 R"({"kind":"Status","code":404,"message":"the server could not )"
                 R"(find the requested resource"})");
    }
  });
  auto client = must_create(config_for(server));
  auto forbidden = client->get_json("/api/v1/secrets");
  REQUIRE_FALSE(forbidden.ok());
  CHECK(forbidden.error().code == ErrorCode::kForbidden);
  CHECK(forbidden.error().message.find(R"(cannot list resource "secrets")") != std::string::npos);
  CHECK(client->get_json("/nothing").error().code == ErrorCode::kNotFound);
  CHECK(client->get_json("/garbage").error().code == ErrorCode::kParse);
}

TEST_CASE("client: 429 with Retry-After is retried, then succeeds") {
  std::atomic<int> requests{0};
  TestServer server(pki().server, [&](const httplib::Request&, httplib::Response& res) {
    if (++requests == 1) {
      res.set_header("Retry-After", "1");
      reply_json(res, 429, R"({"kind":"Status","code":429,"message":"too many requests"})");
      return;
    }
    reply_json(res, 200, kVersion);
  });
  auto start = std::chrono::steady_clock::now();
  CHECK(must_create(config_for(server))->get_json("/version").ok());
  CHECK(requests == 2);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(900));
}

TEST_CASE("client: 500 is retried a bounded number of times") {
  std::atomic<int> requests{0};
  TestServer server(pki().server, [&](const httplib::Request&, httplib::Response& res) {
    ++requests;
    reply_json(res, 500, R"({"kind":"Status","code":500,"message":"etcd is sad"})");
  });
  auto result = must_create(config_for(server))->get_json("/version");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kUnavailable);
  CHECK(result.error().message.find("etcd is sad") != std::string::npos);
  CHECK(requests == ClientOptions{}.max_attempts);
}

TEST_CASE("client: list follows continue and merges the pages") {
  std::vector<std::string> queries;
  std::mutex mu;
  TestServer server(pki().server, [&](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mu);
      queries.push_back(req.get_param_value("continue") + "|" + req.get_param_value("limit") + "|" +
                        req.get_param_value("labelSelector") + "|" +
                        req.get_header_value("Accept"));
    }
    std::string token = req.get_param_value("continue");
    if (token.empty()) {
      reply_json(res, 200,
                 R"({"kind":"PodList","apiVersion":"v1","metadata":{"continue":"p 2",)"
                 R"("remainingItemCount":1},"items":[{"metadata":{"name":"a"}},)"
                 R"({"metadata":{"name":"b"}}]})");
    } else if (token == "p 2") {
      reply_json(res, 200,
                 R"({"kind":"PodList","apiVersion":"v1","metadata":{"continue":""},)"
                 R"("items":[{"metadata":{"name":"c"}}]})");
    } else {
      reply_json(res, 410, R"({"kind":"Status","code":410,"message":"expired"})");
    }
  });
  ListOptions options;
  options.limit = 2;
  options.label_selector = "app in (x,y)";
  options.metadata_only = true;
  auto list = must_create(config_for(server))->list(resources::pods("kube-system"), options);
  REQUIRE_MESSAGE(list.ok(), (list.ok() ? "" : list.error().message));
  const json* items = array_member(list.value(), "items");
  REQUIRE(items != nullptr);
  CHECK(items->size() == 3);
  CHECK(string_member(list.value(), "kind") == "PodList");
  CHECK(path(list.value(), {"metadata", "continue"}) == nullptr);
  REQUIRE(queries.size() == 2);
  CHECK(queries[1].substr(0, 9) == "p 2|2|app");
  CHECK(queries[0].find("|2|app in (x,y)|application/json;as=PartialObjectMetadataList") !=
        std::string::npos);
}

TEST_CASE("client: a server repeating its continue token is stopped") {
  std::atomic<int> requests{0};
  TestServer server(pki().server, [&](const httplib::Request&, httplib::Response& res) {
    ++requests;
    reply_json(res, 200, R"({"kind":"List","metadata":{"continue":"again"},"items":[{}]})");
  });
  auto list = must_create(config_for(server))->list(resources::nodes());
  REQUIRE_FALSE(list.ok());
  CHECK(list.error().message.find("repeated a continue token") != std::string::npos);
  CHECK(requests == 2);
}

TEST_CASE("client: a slow server times out") {
  TestServer server(pki().server, [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    reply_json(res, 200, kVersion);
  });
  RestConfig config = config_for(server);
  config.request_timeout_seconds = 0.3;
  auto start = std::chrono::steady_clock::now();
  auto result = must_create(config)->get_json("/version");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kUnavailable);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1400));
}

TEST_CASE("client: connection refused names the server") {
  int port = 0;
  {
    TestServer gone(pki().server, serve_version);
    port = gone.port();
  }
  RestConfig config;
  config.server = "https://127.0.0.1:" + std::to_string(port);
  config.ca_pem = pki().ca.cert;
  auto result = must_create(config)->get_json("/version");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kUnavailable);
  CHECK(result.error().message.find(config.server) != std::string::npos);
}

TEST_CASE("fetch: one forbidden list degrades only that list") {
  TestServer server(pki().server, [](const httplib::Request& req, httplib::Response& res) {
    const std::string& p = req.path;
    if (p == "/version") return reply_json(res, 200, kVersion);
    if (p == "/api") return reply_json(res, 200, R"({"kind":"APIVersions","versions":["v1"]})");
    if (p == "/apis") {
      return reply_json(res, 200,
                        R"({"kind":"APIGroupList","groups":[{"name":"apps",)"
                        R"("versions":[{"groupVersion":"apps/v1","version":"v1"}]}]})");
    }
    if (p == "/api/v1/nodes") {
      return reply_json(res, 200,
                        R"({"kind":"NodeList","items":[{"metadata":{"name":"moc-a"}},)"
                        R"({"metadata":{"name":"moc-b"}}]})");
    }
    if (p == "/api/v1/nodes/moc-a/proxy/configz") {
      return reply_json(res, 200, R"({"kubeletconfig":{"featureGates":{}}})");
    }
    if (p == "/api/v1/namespaces/kube-system/pods") {
      return reply_json(res, 200, R"({"kind":"PodList","items":[{"metadata":{"name":"x"}}]})");
    }
    reply_json(res, 403, R"({"kind":"Status","code":403,"message":"forbidden: )" + p + "\"}");
  });
  FetchPlan plan;
  plan.lists = {resources::nodes(), resources::pods("kube-system"),
                resources::configmaps("kube-system")};
  plan.kubelet_configz = true;
  std::vector<std::string> lines;
  ClusterState state = fetch_cluster_state(*must_create(config_for(server)), plan,
                                           [&](std::string_view l) { lines.emplace_back(l); });
  CHECK(state.source == server.url() + " (context test)");
  REQUIRE(state.version.has_value());
  REQUIRE(state.served_group_versions.has_value());
  CHECK(*state.served_group_versions == std::vector<std::string>{"v1", "apps/v1"});
  REQUIRE(state.items(resources::nodes()) != nullptr);
  CHECK(state.items(resources::nodes())->size() == 2);
  REQUIRE(state.items(resources::pods("kube-system")) != nullptr);
  const ResourceList* configmaps = state.find(resources::configmaps("kube-system"));
  REQUIRE(configmaps != nullptr);
  REQUIRE(configmaps->error.has_value());
  CHECK(configmaps->error->code == ErrorCode::kForbidden);
  CHECK(state.kubelet_configz.count("moc-a") == 1);
  CHECK(state.kubelet_configz_errors.count("moc-b") == 1);
  CHECK(std::find(lines.begin(), lines.end(), "listing pods in kube-system") != lines.end());
}

// ---- against the project's test API server (tests/apiserver) ---------------------------------

std::string healthy_fixture() {
  return std::string(AKSARC_TESTDATA_DIR) + "/clusters/aksarc-healthy";
}

bool apiserver_available() {
  if (std::filesystem::exists(AKSARC_TEST_APISERVER) &&
      std::filesystem::exists(healthy_fixture() + "/nodes.json")) {
    return true;
  }
  MESSAGE("skipped: the test API server or the aksarc-healthy fixture is missing");
  return false;
}

RestConfig config_for(const testing::TestApiServer& server, const std::string& token) {
  RestConfig config;
  config.server = server.url();
  config.ca_pem = pki().ca.cert;
  config.bearer_token = token;
  config.context_name = "healthy";
  config.request_timeout_seconds = 10;
  return config;
}

TEST_CASE("apiserver: fetch, snapshot and read back the healthy cluster") {
  if (!apiserver_available()) return;
  testing::TestApiServer server(AKSARC_TEST_APISERVER, healthy_fixture(),
                                {"--token", "t0k", "--forbid", "configmaps:kube-system"});
  REQUIRE_FALSE(server.url().empty());
  auto client = must_create(config_for(server, "t0k"));
  FetchPlan plan;
  plan.lists = {resources::nodes(), resources::pods(""), resources::configmaps("kube-system"),
                resources::daemonsets("kube-system")};
  plan.kubelet_configz = true;
  ClusterState live = fetch_cluster_state(*client, plan, nullptr);
  REQUIRE(live.version.has_value());
  REQUIRE(live.served_group_versions.has_value());
  REQUIRE(live.items(resources::nodes()) != nullptr);
  CHECK_FALSE(live.items(resources::nodes())->empty());
  REQUIRE(live.items(resources::pods("")) != nullptr);
  const ResourceList* cms = live.find(resources::configmaps("kube-system"));
  REQUIRE(cms != nullptr);
  REQUIRE(cms->error.has_value());
  CHECK(cms->error->code == ErrorCode::kForbidden);

  // Paging through one item at a time gives the same pods.
  ListOptions one;
  one.limit = 1;
  auto paged = client->list(resources::pods(""), one);
  REQUIRE(paged.ok());
  CHECK(*array_member(paged.value(), "items") == *live.items(resources::pods("")));

  std::string dir =
      (std::filesystem::temp_directory_path() /
       ("aksarc-snapshot-" + std::to_string(server.url().size()) + "-" + std::to_string(getpid())))
          .string();
  REQUIRE(write_snapshot(live, dir).ok());
  auto back = read_dump(dir, plan.lists);
  std::error_code ec;
  REQUIRE(back.ok());
  CHECK(back.value().version == live.version);
  CHECK(back.value().served_group_versions == live.served_group_versions);
  CHECK(back.value().kubelet_configz == live.kubelet_configz);
  CHECK(*back.value().items(resources::pods("")) == *live.items(resources::pods("")));
  CHECK(back.value().find(resources::configmaps("kube-system"))->error.has_value());
  std::filesystem::remove_all(dir, ec);

  auto wrong_token = must_create(config_for(server, "nope"))->get_json("/version");
  REQUIRE_FALSE(wrong_token.ok());
  CHECK(wrong_token.error().code == ErrorCode::kUnauthorized);
}

TEST_CASE("apiserver: 503 twice, then success; client certificates") {
  if (!apiserver_available()) return;
  testing::TestApiServer server(
      AKSARC_TEST_APISERVER, healthy_fixture(),
      {"--fail", "/api/v1/nodes=503", "--fail-times", "2", "--client-ca-file", "CA_FILE"});
  REQUIRE_FALSE(server.url().empty());
  RestConfig config = config_for(server, "");
  config.client_cert_pem = pki().client.cert;
  config.client_key_pem = pki().client.key;
  auto nodes = must_create(config)->list(resources::nodes());
  CHECK_MESSAGE(nodes.ok(), (nodes.ok() ? "" : nodes.error().message));
}

}  // namespace
}  // namespace aksarc::kube
