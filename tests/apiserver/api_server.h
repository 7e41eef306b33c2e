#pragma once
// A read-only Kubernetes API server over HTTPS that serves a FixtureStore: discovery, GET, LIST
// (limit/continue, label and field selectors, Table and PartialObjectMetadataList
// representations), bearer-token and client-certificate auth, RBAC-like denials and injected
// faults. Faithful enough for the real kubectl; see README.md beside this file.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "tests/apiserver/fixture_store.h"

namespace httplib {
class SSLServer;
}

namespace aksarc::testapi {

struct FailRule {
  std::string path_prefix;  // matched against the request path (no query)
  int code = 500;
};

struct ServerOptions {
  std::string bind_address = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port
  std::string tls_cert_file;
  std::string tls_private_key_file;
  std::string client_ca_file;       // empty: client certificates are not asked for
  std::vector<std::string> tokens;  // accepted bearer tokens
  std::vector<std::string> forbid;  // "resource" or "resource:namespace"
  std::vector<FailRule> fail;
  int fail_times = 0;       // 0: matching requests always fail; N: only the first N fail
  int delay_ms = 0;         // added before every answer
  std::string request_log;  // empty: no log
};

// An answer, independent of the HTTP library so it can be tested without sockets.
struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

// What the handler needs to know about a request.
struct RequestView {
  std::string method;
  std::string path;  // decoded, without query
  std::multimap<std::string, std::string> params;
  std::string accept;
  std::string authorization;
  std::string client_cert_user;  // CN of a verified client certificate, else empty
};

// Routes and answers requests against a store. The store must outlive the handler. handle() is
// safe to call from many threads at once.
class ApiHandler {
 public:
  ApiHandler(const FixtureStore& store, ServerOptions options);
  // Never throws; every failure is a metav1.Status reply.
  Reply handle(const RequestView& request);

 private:
  bool take_failure(const std::string& path, int* code);

  const FixtureStore& store_;
  ServerOptions options_;
  std::atomic<int> failures_served_{0};
};

// The HTTPS face of ApiHandler.
class ApiServer {
 public:
  ApiServer(const FixtureStore& store, ServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Loads the TLS material and binds. Returns the bound port, or an Error when the certificate,
  // key or client CA cannot be loaded or the address cannot be bound. Call once, before serve().
  Result<int> bind();
  // Serves until stop(); returns false when the listener failed.
  bool serve();
  // Makes serve() return. Safe from any thread, also before serve() started.
  void stop();

 private:
  void log_request(const std::string& method, const std::string& target, int status);

  ServerOptions options_;
  ApiHandler handler_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::mutex log_mutex_;
};

}  // namespace aksarc::testapi
