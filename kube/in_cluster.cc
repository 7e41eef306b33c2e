#include "kube/in_cluster.h"

#include <httplib.h>

#include <charconv>
#include <fstream>

#include "core/json_access.h"
#include "kube/text_file.h"

namespace aksarc::kube {
namespace {

constexpr size_t kMaxTokenBytes = size_t{64} * 1024;

Result<std::string> read_text(const std::string& path) {
  return read_small_file(path, kMaxTokenBytes);
}

std::string trim(std::string s) { return trim_whitespace(std::move(s)); }

Error http_error(int status) {
  std::string msg = "GET /version: HTTP " + std::to_string(status);
  if (status == 401) return {ErrorCode::kUnauthorized, msg};
  if (status == 403) return {ErrorCode::kForbidden, msg};
  return {ErrorCode::kUnavailable, msg};
}

}  // namespace

Result<InClusterConfig> load_in_cluster_config(std::string_view service_account_dir,
                                               const EnvLookup& getenv) {
  const char* host = getenv("KUBERNETES_SERVICE_HOST");
  const char* port = getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !port || !*host || !*port) {
    return Error{ErrorCode::kNotFound, "not running in a cluster (KUBERNETES_SERVICE_HOST unset)"};
  }
  InClusterConfig config;
  config.host = host;
  std::string_view port_text(port);
  auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), config.port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || config.port <= 0 ||
      config.port > 65535) {
    return invalid_argument("KUBERNETES_SERVICE_PORT is not a port: " + std::string(port_text));
  }
  std::string dir(service_account_dir);
  auto token = read_text(dir + "/token");
  if (!token.ok()) return token.error();
  config.token = trim(std::move(token).value());
  config.ca_file = dir + "/ca.crt";
  if (!std::ifstream(config.ca_file)) return io_error("cannot read " + config.ca_file);
  return config;
}

Result<KubeVersion> fetch_server_version(const InClusterConfig& config,
                                         std::chrono::milliseconds timeout) {
  httplib::SSLClient client(config.host, config.port);
  client.set_ca_cert_path(config.ca_file);
  client.enable_server_certificate_verification(true);
  client.set_bearer_token_auth(config.token);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  client.set_keep_alive(false);
  auto res = client.Get("/version");
  if (!res) {
    return Error{ErrorCode::kUnavailable, "GET https://" + config.host + ":" +
                                              std::to_string(config.port) +
                                              "/version: " + httplib::to_string(res.error())};
  }
  if (res->status != 200) return http_error(res->status);
  json body = json::parse(res->body, nullptr, false);
  std::string_view git_version = body.is_discarded() ? "" : string_member(body, "gitVersion");
  auto version = parse_kube_version(git_version);
  if (!version) return parse_error("GET /version: no parseable gitVersion in the answer");
  return *version;
}

}  // namespace aksarc::kube
