#include "webhook/server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>

#include "core/admission.h"
#include "webhook/connection_deadlines.h"

namespace aksarc::webhook {
namespace {

using httplib::Request;
using httplib::Response;
using HandlerResponse = httplib::Server::HandlerResponse;

constexpr const char* kText = "text/plain; charset=utf-8";
constexpr const char* kJson = "application/json";
constexpr size_t kMaxEchoedHeader = 64;

struct Route {
  const char* path;
  const char* method;
};
constexpr Route kRoutes[] = {
    {"/validate", "POST"}, {"/healthz", "GET"}, {"/readyz", "GET"}, {"/metrics", "GET"}};

const Route* find_route(const std::string& path) {
  for (const auto& r : kRoutes) {
    if (path == r.path) return &r;
  }
  return nullptr;
}

std::string body_for_status(int status) {
  switch (status) {
    case 400:
      return "bad request: not a well-formed HTTP/1.1 request\n";
    case 404:
      return "not found: the endpoints are /validate, /healthz, /readyz and /metrics\n";
    case 413:
      return "request body too large: the limit is " + std::to_string(kMaxRequestBodyBytes) +
             " bytes (7 MiB)\n";
    case 414:
      return "request URI too long\n";
    case 500:
      return "internal error\n";
    default:
      return "HTTP " + std::to_string(status) + "\n";
  }
}

// Ends the connection once this answer is written: the answer says Connection: close, and after
// it has been written (see the logger in init()) reading is shut down, so httplib's next read sees
// the end and it closes the connection. Used when what follows on the connection cannot be
// trusted to be a request: bytes of a body that was not read, or the rest of a request httplib
// could not parse (which it would otherwise read as the next request, answering each fragment).
void end_after_answer(const Request&, Response& res) { res.set_header("Connection", "close"); }

// Both the socket and OpenSSL's buffer: bytes already decrypted into the buffer would otherwise
// still be read as requests.
void shut_reading_if_ending(const Request&, const Response& res) {
  if (res.get_header_value("Connection") != "close") return;
  SSL* ssl = ConnectionDeadlines::current_connection();
  if (ssl == nullptr) return;
  SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_RECEIVED_SHUTDOWN);
  if (int fd = SSL_get_rfd(ssl); fd >= 0) ::shutdown(fd, SHUT_RD);
}

// Fills in a body for errors httplib answers itself (413, 400, 414); handler bodies stay. Such an
// error means the request was not read to its end, so the connection ends with the answer.
HandlerResponse on_error(const Request& req, Response& res) {
  if (!res.body.empty()) return HandlerResponse::Unhandled;
  end_after_answer(req, res);
  res.set_content(body_for_status(res.status), kText);
  return HandlerResponse::Handled;
}

bool announces_body(const Request& req) {
  const std::string length = req.get_header_value("Content-Length");
  return req.has_header("Transfer-Encoding") || (!length.empty() && length != "0");
}

// Framing httplib would accept but must not: two different Content-Lengths (httplib takes the
// first), or a Content-Length beside a Transfer-Encoding (RFC 9112 6.3: the message must not be
// trusted). Either could make us read a body a different length than a proxy in front did.
bool ambiguous_framing(const Request& req) {
  const size_t lengths = req.get_header_value_count("Content-Length");
  for (size_t i = 1; i < lengths; ++i) {
    if (req.get_header_value("Content-Length", i) != req.get_header_value("Content-Length"))
      return true;
  }
  return lengths > 0 && req.has_header("Transfer-Encoding");
}

std::string errored_review(int code, std::string_view message) {
  json review = {
      {"apiVersion", "admission.k8s.io/v1"},
      {"kind", "AdmissionReview"},
      {"response",
       {{"uid", ""}, {"allowed", false}, {"status", {{"code", code}, {"message", message}}}}}};
  return review.dump();
}

// Refuses a too-large body before the client sends it (curl sends Expect for large bodies).
int on_expect_continue(const Request& req, Response& res) {
  std::string length = req.get_header_value("Content-Length");
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
  if (ec == std::errc() && end == length.data() + length.size() && n > kMaxRequestBodyBytes) {
    res.status = 413;
    return 413;
  }
  return 100;
}

void method_not_allowed(const Request& req, Response& res) {
  const Route* route = find_route(req.path);
  if (!route) {
    res.status = 404;
    res.set_content(body_for_status(404), kText);
    return;
  }
  res.status = 405;
  res.set_header("Allow", route->method);
  res.set_content(
      std::string("method not allowed: ") + route->path + " accepts " + route->method + " only\n",
      kText);
}

}  // namespace

bool is_json_content_type(std::string_view content_type) {
  auto media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  constexpr std::string_view kWanted = "application/json";
  if (media.size() != kWanted.size()) return false;
  for (size_t i = 0; i < media.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(media[i])) != kWanted[i]) return false;
  }
  return true;
}

WebhookServer::WebhookServer(TlsStore& tls, PolicyStore& policies, Metrics& metrics, Log& log,
                             ServerSettings settings)
    : tls_(tls), policies_(policies), metrics_(metrics), log_(log), settings_(settings) {}

WebhookServer::~WebhookServer() { close_listener_handle(); }

Status WebhookServer::init() {
  deadlines_ =
      std::make_unique<ConnectionDeadlines>(std::chrono::seconds(settings_.read_timeout_seconds),
                                            std::chrono::seconds(settings_.idle_timeout_seconds));
  svr_ = std::make_unique<httplib::SSLServer>([this](SSL_CTX& ctx) {
    Status s = tls_.configure(ctx);
    if (s.ok() && !deadlines_->install(ctx)) s = io_error("TLS setup: connection deadlines failed");
    if (!s.ok()) tls_error_ = s.error().message;
    return s.ok();
  });
  if (!svr_->is_valid()) {
    return io_error(tls_error_.empty() ? "cannot create the TLS context" : tls_error_);
  }
  const int threads = settings_.threads;
  svr_->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  svr_->set_read_timeout(settings_.read_timeout_seconds);
  svr_->set_write_timeout(settings_.write_timeout_seconds);
  svr_->set_keep_alive_timeout(settings_.idle_timeout_seconds);
  svr_->set_keep_alive_max_count(10000);
  svr_->set_payload_max_length(kMaxRequestBodyBytes);
  svr_->set_tcp_nodelay(true);
  svr_->set_socket_options([this](socket_t sock) { on_listening_socket(sock); });
  svr_->set_expect_100_continue_handler(on_expect_continue);
  svr_->set_error_handler(httplib::Server::HandlerWithResponse(on_error));
  svr_->set_exception_handler([this](const Request&, Response& res, const std::exception_ptr&) {
    log_.error("request handler failed");
    res.status = 500;
    res.set_content(errored_review(500, "internal error"), kJson);
  });
  svr_->set_pre_routing_handler([this](const Request& req, Response& res) {
    deadlines_->headers_read(req.ssl);
    return answer_before_body(req, res);
  });
  // Once stopping, every answer tells the client to close the connection, so it sends its next
  // request to another replica instead of onto a connection that is about to end.
  svr_->set_post_routing_handler([this](const Request&, Response& res) {
    if (stop_requested_.load()) res.set_header("Connection", "close");
  });
  // Runs once the answer has been written.
  svr_->set_logger([this](const Request& req, const Response& res) {
    shut_reading_if_ending(req, res);
    deadlines_->response_sent(req.ssl);
    metrics_.count_http_response(res.status);
  });
  add_routes();
  return {};
}

// Every handler runs once the body has been read: from then on the time is ours, not the client's.
httplib::Server::Handler WebhookServer::timed(httplib::Server::Handler handler) {
  return [this, handler = std::move(handler)](const Request& req, Response& res) {
    deadlines_->handler_running(req.ssl);
    handler(req, res);
  };
}

void WebhookServer::add_routes() {
  // /validate reads its body itself (see handle_validate), so its deadline mark comes after.
  svr_->Post("/validate",
             [this](const Request& req, Response& res, const httplib::ContentReader& read_body) {
               handle_validate(req, res, read_body);
             });
  svr_->Get("/healthz",
            timed([](const Request&, Response& res) { res.set_content("ok\n", kText); }));
  svr_->Get("/readyz", timed([this](const Request&, Response& res) { handle_readyz(res); }));
  svr_->Get("/metrics", timed([this](const Request&, Response& res) {
              res.set_content(metrics_.render(), std::string(kMetricsContentType).c_str());
            }));
}

// The body is read here rather than by httplib, into a string reserved at the announced
// Content-Length: httplib's own reading grows the string by doubling, so a 536 KB ConfigMap
// UPDATE held 1 MB per connection (44 MB of RSS with 32 at once). The limit and the 413 stay
// httplib's (payload_max_length); the body's deadline holds until it has been read.
void WebhookServer::handle_validate(const Request& req, Response& res,
                                    const httplib::ContentReader& read_body) {
  std::string body;
  uint64_t announced = 0;
  const std::string length = req.get_header_value("Content-Length");
  auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), announced);
  if (ec == std::errc() && end == length.data() + length.size() &&
      announced <= kMaxRequestBodyBytes) {
    body.reserve(static_cast<size_t>(announced));
  }
  bool too_large = false;
  const bool read = read_body([&](const char* data, size_t size) {
    if (body.size() + size > kMaxRequestBodyBytes) {
      too_large = true;  // a chunked body: its size was not announced
      return false;
    }
    body.append(data, size);
    return true;
  });
  deadlines_->handler_running(req.ssl);
  if (!read) {
    // httplib set 413 (too large) or 400 (broken body); the error handler words it and ends the
    // connection, whose remaining bytes are the rest of this body.
    if (too_large) {
      res.status = 413;
    } else if (res.status < 400) {
      res.status = 400;
    }
    return;
  }
  answer_review(req, res, body);
}

void WebhookServer::answer_review(const Request& req, Response& res, std::string_view body) {
  auto start = std::chrono::steady_clock::now();
  std::string content_type = req.get_header_value("Content-Type");
  // An empty body is not a review whatever its type says: it gets the review error that says so.
  if (!body.empty() && !is_json_content_type(content_type)) {
    res.status = 415;
    res.set_content("unsupported media type \"" + content_type.substr(0, kMaxEchoedHeader) +
                        "\": POST /validate expects Content-Type: application/json\n",
                    kText);
    return;
  }
  std::shared_ptr<const Policy> policy = policies_.current();
  ReviewOutcome outcome = review_text(body, *policy);
  res.status = outcome.http_status;
  res.set_content(serialize_review(outcome.review), kJson);
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  metrics_.observe_decision(outcome.record.decision, outcome.record.rules, outcome.record.kind,
                            elapsed.count());
  log_.decision(outcome.record, elapsed.count() * 1000.0, outcome.http_status);
}

// What can be answered from the headers alone is answered before httplib reads a body: a wrong
// method or path (httplib would first wait for a PUT's body, even one never announced), broken
// framing, and POST /validate with no body at all (httplib would read until the client closes).
HandlerResponse WebhookServer::answer_before_body(const Request& req, Response& res) {
  if (ambiguous_framing(req)) {
    res.status = 400;
    res.set_content(
        "bad request: conflicting Content-Length and Transfer-Encoding headers (RFC 9112 6.3)\n",
        kText);
    end_after_answer(req, res);
    return HandlerResponse::Handled;
  }
  const Route* route = find_route(req.path);
  const bool head_of_get =
      req.method == "HEAD" && std::string_view(route ? route->method : "") == "GET";
  if (route == nullptr || (req.method != route->method && !head_of_get)) {
    deadlines_->handler_running(req.ssl);
    method_not_allowed(req, res);
    if (announces_body(req)) end_after_answer(req, res);
    return HandlerResponse::Handled;
  }
  if (req.method == "POST" && !req.has_header("Content-Length") &&
      !req.has_header("Transfer-Encoding")) {
    deadlines_->handler_running(req.ssl);
    answer_review(req, res, "");
    return HandlerResponse::Handled;
  }
  return HandlerResponse::Unhandled;
}

void WebhookServer::handle_readyz(Response& res) const {
  if (ready_.load()) {
    res.set_content("ok\n", kText);
  } else {
    res.status = 503;
    res.set_content(stop_requested_.load() ? "shutting down\n" : "starting\n", kText);
  }
}

// SO_REUSEADDR lets a restart bind while old connections linger in TIME_WAIT (httplib's default
// also sets SO_REUSEPORT, which would let a second process bind the same port silently). httplib
// calls this for the listening socket only; a duplicate of it is kept for stop() (see there).
void WebhookServer::on_listening_socket(int sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  std::lock_guard<std::mutex> lock(listener_mu_);
  if (listener_handle_ >= 0) ::close(listener_handle_);
  listener_handle_ = ::fcntl(sock, F_DUPFD_CLOEXEC, 0);
}

void WebhookServer::close_listener_handle() {
  std::lock_guard<std::mutex> lock(listener_mu_);
  if (listener_handle_ >= 0) ::close(listener_handle_);
  listener_handle_ = -1;
}

Result<int> WebhookServer::bind(const std::string& address, int port) {
  errno = 0;
  int bound = port;
  bool ok =
      port == 0 ? (bound = svr_->bind_to_any_port(address)) > 0 : svr_->bind_to_port(address, port);
  if (ok) return bound;
  std::string reason = errno != 0 ? std::strerror(errno) : "not a local address";
  return io_error("cannot listen on " + address + ":" + std::to_string(port) + ": " + reason);
}

bool WebhookServer::serve() {
  serving_ = true;
  if (stop_requested_) {
    serving_ = false;
    return true;
  }
  set_ready(true);
  bool ok = svr_->listen_after_bind();
  set_ready(false);
  serving_ = false;
  close_listener_handle();
  // stop() ends the accept loop by shutting the listening socket down, which httplib reports
  // as a failed accept: that is the planned way out, not an error.
  return ok || stop_requested_.load();
}

// httplib's own stop() marks its listening socket invalid, and every worker then drops its
// connection before reading the next request: a request the client had already sent on a
// keep-alive connection would get no answer. Shutting the socket down instead (through the
// duplicate taken at bind time, so no closed descriptor number is ever touched) makes accept()
// fail: httplib leaves its loop and waits for its workers, which keep serving their connections
// until the client closes them (every answer now says Connection: close) or they idle out.
// Connections still in the kernel's accept queue are reset before their TLS handshake, so they
// never carried a request.
void WebhookServer::stop() {
  set_ready(false);
  if (stop_requested_.exchange(true)) return;
  while (serving_ && !svr_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::lock_guard<std::mutex> lock(listener_mu_);
  if (listener_handle_ >= 0) {
    ::shutdown(listener_handle_, SHUT_RDWR);
  } else if (svr_ && svr_->is_running()) {
    svr_->stop();
  }
}

void WebhookServer::set_ready(bool ready) {
  ready_ = ready && !stop_requested_;
  metrics_.set_ready(ready_);
}

}  // namespace aksarc::webhook
