#pragma once
// A read-only Kubernetes API server over HTTPS that serves a FixtureStore: discovery, GET, LIST
// (limit/continue, label and field selectors, Table and PartialObjectMetadataList
// representations), bearer-token and client-certificate auth, RBAC-like denials and injected
// faults. Faithful enough for the real kubectl; see README.md beside this file.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "tests/apiserver/fixture_store.h"

namespace httplib {
class Server;
}

namespace aksarc::testapi {

struct FailRule {
  std::string path_prefix;  // matched against the request path (no query)
  int code = 500;
};

// Broken answers a real server (or what sits in front of it) can give, for the client's
// robustness tests (--fault PATH_PREFIX=KIND; README.md lists what each sends).
enum class FaultKind {
  kInvalidJson,     // 200 with a body that is not JSON
  kTruncated,       // Content-Length of the whole answer, half of it sent, connection closed
  kNotAList,        // 200 with a JSON object that is not a List
  kEndlessPages,    // every LIST page carries a new continue token
  kRepeatContinue,  // every LIST page carries the same continue token
  kRedirect,        // 302 to another URL
  kHang,            // accepts the request and never answers (until the server stops)
};

struct FaultRule {
  std::string path_prefix;
  FaultKind kind = FaultKind::kInvalidJson;
};

// The kind named by `name` ("invalid-json", "truncated", "not-a-list", "endless-pages",
// "repeat-continue", "redirect", "hang"), or nullopt.
std::optional<FaultKind> parse_fault_kind(const std::string& name);

struct ServerOptions {
  std::string bind_address = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port
  std::string tls_cert_file;
  std::string tls_private_key_file;
  std::string client_ca_file;       // empty: client certificates are not asked for
  std::vector<std::string> tokens;  // accepted bearer tokens
  std::vector<std::string> forbid;  // "resource" or "resource:namespace"
  std::vector<FailRule> fail;
  std::vector<FaultRule> faults;
  int fail_times = 0;  // 0: matching requests always fail; N: only the first N (fails and faults)
  bool retry_after = true;  // injected 429 and 503 carry Retry-After: 1
  bool plain_http = false;  // serve plain HTTP instead of HTTPS (a misconfigured https:// URL)
  int delay_ms = 0;         // added before every answer
  std::string request_log;  // empty: no log
};

// An answer, independent of the HTTP library so it can be tested without sockets.
struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
  // When set, only this many bytes of `body` are sent, under the Content-Length of the whole
  // body, and the connection is then closed (a truncated answer).
  std::optional<size_t> send_only;
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
  // Ends the requests a `hang` fault holds (they return a 503), so the server can stop.
  void stop() { stopping_ = true; }

 private:
  bool take_failure(const std::string& path, int* code);
  const FaultRule* take_fault(const std::string& path);
  Reply faulty(const FaultRule& fault, const RequestView& request, const std::string& user);

  const FixtureStore& store_;
  ServerOptions options_;
  std::atomic<int> failures_served_{0};
  std::atomic<int> pages_served_{0};  // numbers the endless-pages continue tokens
  std::atomic<bool> stopping_{false};
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
  std::unique_ptr<httplib::Server> server_;  // an SSLServer unless plain_http
  std::mutex log_mutex_;
};

}  // namespace aksarc::testapi
