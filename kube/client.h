#pragma once
// A read-only HTTPS client for one API server, configured from a RestConfig the way kubectl is:
// CA (or the system store), insecure-skip-tls-verify, tls-server-name, client certificate, bearer
// token, an http:// proxy, request timeout. Maps API answers to Errors, retries 429/5xx with
// bounded backoff, refreshes credentials once after a 401, and follows LIST pagination.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/cluster_state.h"
#include "core/json_access.h"
#include "core/result.h"
#include "kube/credentials.h"
#include "kube/rest_config.h"

namespace aksarc::kube {

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int limit = 500;             // page size; <= 0 = no limit (one page)
  bool metadata_only = false;  // ask for PartialObjectMetadataList (falls back to full objects)
  // Applied to each item as its page arrives (e.g. to drop fields nobody reads), so a big list
  // is never held whole in memory. May be empty.
  std::function<void(json&)> trim_item;
};

// Knobs with kubectl-like defaults; tests shrink them.
struct ClientOptions {
  int max_attempts = 4;                               // per request, for 429/5xx
  std::chrono::milliseconds initial_backoff{250};     // doubled per attempt
  std::chrono::milliseconds max_total_backoff{8000};  // all waits of one request together
  std::chrono::milliseconds default_timeout{30000};   // when request_timeout_seconds is 0
  int max_pages = 10000;                              // pagination guard
  size_t max_idle_connections = 16;                   // as many as fetch.h runs requests at once
};

class KubeClient {
 public:
  // Validates `config` (https URL, PEM CA/certificate/key, proxy scheme). `credentials`, when set,
  // supplies the token or client certificate for each request (exec plugins) and overrides the
  // static ones in `config`. Errors: kInvalidArgument naming the bad field. Thread-safe.
  static Result<std::unique_ptr<KubeClient>> create(const RestConfig& config,
                                                    CredentialsFn credentials = nullptr,
                                                    ClientOptions options = {});
  ~KubeClient();
  KubeClient(const KubeClient&) = delete;
  KubeClient& operator=(const KubeClient&) = delete;

  // GET `path_and_query` (e.g. "/version", "/api/v1/nodes?limit=1") below the server's path
  // prefix and parses the JSON answer. Errors: kUnauthorized (401 even after refreshing the
  // credentials), kForbidden (403; the message is the API server's, naming verb and resource),
  // kNotFound (404), kUnavailable (connection, TLS, timeout, or 429/5xx after the retries),
  // kInvalidArgument (other 4xx), kParse (the body is not JSON). Thread-safe: concurrent calls use
  // separate connections.
  Result<json> get_json(std::string_view path_and_query, std::string_view accept = {});

  // LISTs `key`, following `continue` until the last page, and returns one List object whose
  // `items` hold every page's items. Errors: as get_json, plus kInternal when the server repeats a
  // continue token or exceeds the page limit, kParse when a page is not a List. Thread-safe.
  Result<json> list(const ResourceKey& key, const ListOptions& options = {});

  // The server URL as configured, e.g. "https://10.0.0.5:6443".
  const std::string& server() const { return config_.server; }
  const RestConfig& config() const { return config_; }

  struct Impl;  // connection details (kube/client.cc)

 private:
  KubeClient(RestConfig config, CredentialsFn credentials, ClientOptions options,
             std::unique_ptr<Impl> impl);

  RestConfig config_;
  CredentialsFn credentials_;
  ClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aksarc::kube
