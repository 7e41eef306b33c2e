#pragma once
// The HTTPS server: routes, limits and timeouts around cpp-httplib. HTTP never reaches policy
// code: /validate hands the body to aksarc::review_text() and sends back what it returns.
//
//   POST /validate  application/json (parameters such as charset allowed), at most 7 MiB;
//                   answers the AdmissionReview (200, or 400 for a body that is not one)
//   GET  /healthz   200 "ok" while the process runs
//   GET  /readyz    200 "ok" while serving, 503 before and once stopping
//   GET  /metrics   Prometheus text format
// A known path with another method gets 405 and an Allow header, an unknown path 404, a wrong
// content type 415, a larger body 413 (announced or chunked), conflicting Content-Length /
// Transfer-Encoding 400; every error has a short text/plain body. These are answered from the
// headers, before any body is read; when a body was announced but not read, or the request could
// not be parsed, the connection ends with the answer (Connection: close). A handler that
// throws (it should not) answers an errored AdmissionReview with 500 and no detail.
//
// Slow clients: the TLS handshake, the request headers (after an idle keep-alive period) and the
// body each have a total deadline (read timeout; idle + read for the headers), enforced by a
// watchdog that shuts the socket down, so trickling bytes cannot hold a worker thread. Each open
// connection occupies one worker thread (httplib's model): `threads` bounds concurrent
// connections, further ones wait in the accept queue.
//
// Shutdown: stop() shuts the listening socket down (new connections are refused) and marks the
// server not ready. Requests in flight are answered, and so is a request arriving later on an
// already open keep-alive connection; from then on every answer carries Connection: close.
// Idle connections end within the idle timeout, so serve() returns at most about idle timeout +
// request time later.
//
// Thread-safety: stop() and ready() may be called from any thread; the rest from one thread.

#include <httplib.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/result.h"
#include "webhook/decision_log.h"
#include "webhook/metrics.h"
#include "webhook/policy_store.h"
#include "webhook/tls_store.h"

namespace aksarc::webhook {

// controller-runtime's limit: two 3 MiB objects (object and oldObject) plus 1 MiB of envelope.
inline constexpr size_t kMaxRequestBodyBytes = size_t{7} * 1024 * 1024;

struct ServerSettings {
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 10;
  int idle_timeout_seconds = 10;
  int threads = 64;
};

// True for "application/json" in any case, with or without parameters ("; charset=utf-8").
bool is_json_content_type(std::string_view content_type);

class ConnectionDeadlines;  // connection_deadlines.h

class WebhookServer {
 public:
  // The stores, metrics and log must outlive the server.
  WebhookServer(TlsStore& tls, PolicyStore& policies, Metrics& metrics, Log& log,
                ServerSettings settings);
  ~WebhookServer();

  // Configures TLS and the routes. Errors: the TLS context could not be set up.
  Status init();

  // Binds the listening socket (port 0: any free port) and returns the port. Errors name the
  // address and the reason (e.g. "Address already in use").
  Result<int> bind(const std::string& address, int port);

  // Serves until stop(); returns after the requests in flight have been answered. Marks the
  // server ready while it accepts. Returns false if the accept loop failed.
  bool serve();

  // Stops accepting and marks the server not ready; requests in flight finish. Safe to call
  // before, during or after serve(), from any thread, more than once.
  void stop();

  bool ready() const { return ready_.load(); }

 private:
  httplib::Server::Handler timed(httplib::Server::Handler handler);
  void add_routes();
  void handle_validate(const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& read_body);
  void answer_review(const httplib::Request& req, httplib::Response& res, std::string_view body);
  httplib::Server::HandlerResponse answer_before_body(const httplib::Request& req,
                                                      httplib::Response& res);
  void handle_readyz(httplib::Response& res) const;
  void set_ready(bool ready);
  void on_listening_socket(int sock);
  void close_listener_handle();

  TlsStore& tls_;
  PolicyStore& policies_;
  Metrics& metrics_;
  Log& log_;
  const ServerSettings settings_;
  std::unique_ptr<ConnectionDeadlines> deadlines_;  // outlives svr_ and its SSL_CTX callbacks
  std::unique_ptr<httplib::SSLServer> svr_;
  std::string tls_error_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> serving_{false};
  std::atomic<bool> stop_requested_{false};
  std::mutex listener_mu_;
  int listener_handle_ = -1;  // guarded by listener_mu_: a dup of the listening socket, for stop()
};

}  // namespace aksarc::webhook
