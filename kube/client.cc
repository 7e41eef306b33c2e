#include "kube/client.h"

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <thread>

#include "kube/api_answer.h"
#include "kube/tls_context.h"

namespace aksarc::kube {
namespace {

constexpr std::string_view kJsonAccept = "application/json";
constexpr size_t kMaxTokenFileBytes = size_t{64} * 1024;

struct Endpoint {
  std::string host;
  int port = 0;
  std::string path;  // after host:port, without a trailing slash
};

// Parses "scheme://host[:port][/path]" for one of `schemes`; IPv6 hosts come in brackets.
Result<Endpoint> parse_endpoint(std::string_view url, std::string_view scheme, int default_port,
                                std::string_view what) {
  std::string prefix = std::string(scheme) + "://";
  if (url.substr(0, prefix.size()) != prefix) {
    return invalid_argument(std::string(what) + " " + std::string(url) + " must start with " +
                            prefix);
  }
  std::string_view rest = url.substr(prefix.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  Endpoint ep;
  ep.path = slash == std::string_view::npos ? "" : std::string(rest.substr(slash));
  while (!ep.path.empty() && ep.path.back() == '/') ep.path.pop_back();
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);  // credentials are read by the caller
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return invalid_argument("bad IPv6 host in " + std::string(url));
    ep.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      port_text = authority.substr(close + 2);
  } else {
    size_t colon = authority.find(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (ep.host.empty())
    return invalid_argument(std::string(what) + " " + std::string(url) + " has no host");
  ep.port = default_port;
  if (!port_text.empty()) {
    auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), ep.port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || ep.port <= 0 ||
        ep.port > 65535) {
      return invalid_argument(std::string(what) + " " + std::string(url) + " has a bad port");
    }
  }
  return ep;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  s.erase(s.find_last_not_of(ws) + 1);
  s.erase(0, s.find_first_not_of(ws));
  return s;
}

Result<std::string> read_token_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{ErrorCode::kUnauthorized, "cannot read tokenFile " + file};
  std::string data(kMaxTokenFileBytes + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  if (data.size() > kMaxTokenFileBytes)
    return Error{ErrorCode::kUnauthorized, file + " is too large"};
  return trim(std::move(data));
}

// The identity a connection or request is made with.
struct Identity {
  std::string token;
  std::string cert_pem;
  std::string key_pem;
};

struct Connection {
  std::unique_ptr<httplib::SSLClient> client;
  std::string cert_pem;  // the client certificate it was built with
  std::string key_pem;
};

}  // namespace

struct KubeClient::Impl {
  Endpoint url;
  std::optional<Endpoint> proxy;
  std::string proxy_user;
  std::string proxy_password;
  tls::ServerIdentity server;
  std::chrono::milliseconds timeout{0};

  std::mutex mu;
  std::vector<std::unique_ptr<Connection>> idle;  // guarded by mu
  std::string rotated_token;                      // guarded by mu; from token_file after a 401
};

namespace {

Result<std::unique_ptr<Connection>> connect_with(const KubeClient::Impl& impl, const Identity& id) {
  auto conn = std::make_unique<Connection>();
  conn->client = std::make_unique<httplib::SSLClient>(impl.url.host, impl.url.port);
  SSL_CTX* ctx = conn->client->ssl_context();
  if (ctx == nullptr) return Error{ErrorCode::kInternal, "cannot create a TLS context"};
  conn->client->enable_server_certificate_verification(false);  // OpenSSL verifies (tls_context.h)
  if (Status s = tls::configure_server_trust(ctx, impl.server); !s.ok()) return s.error();
  if (!id.cert_pem.empty() || !id.key_pem.empty()) {
    Status s = tls::configure_client_certificate(ctx, id.cert_pem, id.key_pem);
    if (!s.ok()) return s.error();
  }
  conn->cert_pem = id.cert_pem;
  conn->key_pem = id.key_pem;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(impl.timeout);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(impl.timeout - seconds);
  conn->client->set_connection_timeout(seconds.count(), micros.count());
  conn->client->set_read_timeout(seconds.count(), micros.count());
  conn->client->set_write_timeout(seconds.count(), micros.count());
  conn->client->set_keep_alive(true);
  // Small requests and answers: without TCP_NODELAY a request can wait out the peer's delayed
  // ACK (40 ms on Linux) before its last segment leaves.
  conn->client->set_tcp_nodelay(true);
  if (impl.proxy) {
    conn->client->set_proxy(impl.proxy->host, impl.proxy->port);
    if (!impl.proxy_user.empty()) {
      conn->client->set_proxy_basic_auth(impl.proxy_user, impl.proxy_password);
    }
  }
  return conn;
}

Status parse_proxy(const std::string& proxy_url, KubeClient::Impl& impl) {
  if (proxy_url.empty()) return {};
  if (proxy_url.rfind("http://", 0) != 0) {
    return invalid_argument("proxy-url " + proxy_url +
                            ": only http:// proxies are supported (not socks5 or https proxies)");
  }
  Result<Endpoint> ep = parse_endpoint(proxy_url, "http", 80, "proxy-url");
  if (!ep.ok()) return ep.error();
  impl.proxy = ep.value();
  std::string_view authority = std::string_view(proxy_url).substr(7);
  authority = authority.substr(0, authority.find('/'));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view user = authority.substr(0, at);
    size_t colon = user.find(':');
    impl.proxy_user = std::string(user.substr(0, colon));
    if (colon != std::string_view::npos) impl.proxy_password = std::string(user.substr(colon + 1));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<KubeClient>> KubeClient::create(const RestConfig& config,
                                                       CredentialsFn credentials,
                                                       ClientOptions options) {
  if (config.server.rfind("https://", 0) != 0) {
    return invalid_argument("server " + config.server +
                            ": only https:// API servers are supported");
  }
  auto impl = std::make_unique<Impl>();
  Result<Endpoint> url = parse_endpoint(config.server, "https", 443, "server");
  if (!url.ok()) return url.error();
  impl->url = url.value();
  if (Status s = parse_proxy(config.proxy_url, *impl); !s.ok()) return s.error();
  impl->server.ca_pem = config.ca_pem;
  impl->server.insecure_skip_verify = config.insecure_skip_tls_verify;
  impl->server.verify_name =
      config.tls_server_name.empty() ? impl->url.host : config.tls_server_name;
  impl->server.sni_name = config.tls_server_name;
  impl->timeout =
      config.request_timeout_seconds > 0
          ? std::chrono::milliseconds(static_cast<int64_t>(config.request_timeout_seconds * 1000))
          : options.default_timeout;
  if (config.exec && !credentials) {
    return invalid_argument(
        "the user " + config.user_name +
        " uses an exec credential plugin, but no credential provider was given");
  }
  // Build one connection now so a bad CA, certificate or key is reported before any request:
  // with the kubeconfig's own certificate and key even when a credentials function is given,
  // which hands out the same pair unless an exec plugin brings its own (a key that does not match
  // its certificate once failed every request, and the report said only "unknown").
  Identity id{config.bearer_token, config.client_cert_pem, config.client_key_pem};
  Result<std::unique_ptr<Connection>> probe = connect_with(*impl, id);
  if (!probe.ok()) return probe.error();
  impl->idle.push_back(std::move(probe).value());
  return std::unique_ptr<KubeClient>(
      new KubeClient(config, std::move(credentials), options, std::move(impl)));
}

KubeClient::KubeClient(RestConfig config, CredentialsFn credentials, ClientOptions options,
                       std::unique_ptr<Impl> impl)
    : config_(std::move(config)),
      credentials_(std::move(credentials)),
      options_(options),
      impl_(std::move(impl)) {}

KubeClient::~KubeClient() = default;

namespace {

Result<Identity> current_identity(const RestConfig& config, const CredentialsFn& credentials,
                                  KubeClient::Impl& impl, bool force_refresh) {
  Identity id{config.bearer_token, config.client_cert_pem, config.client_key_pem};
  if (credentials) {
    Result<Credentials> c = credentials(force_refresh);
    if (!c.ok()) {
      return Error{ErrorCode::kUnauthorized, "getting credentials: " + c.error().message};
    }
    if (!c.value().bearer_token.empty()) id.token = c.value().bearer_token;
    if (!c.value().client_cert_pem.empty()) {
      id.cert_pem = c.value().client_cert_pem;
      id.key_pem = c.value().client_key_pem;
    }
    return id;
  }
  if (force_refresh && !config.token_file.empty()) {  // projected tokens rotate
    Result<std::string> token = read_token_file(config.token_file);
    if (!token.ok()) return token.error();
    std::lock_guard<std::mutex> lock(impl.mu);
    impl.rotated_token = token.value();
  }
  std::lock_guard<std::mutex> lock(impl.mu);
  if (!impl.rotated_token.empty()) id.token = impl.rotated_token;
  return id;
}

Result<std::unique_ptr<Connection>> acquire(KubeClient::Impl& impl, const Identity& id) {
  {
    std::lock_guard<std::mutex> lock(impl.mu);
    for (auto it = impl.idle.begin(); it != impl.idle.end(); ++it) {
      if ((*it)->cert_pem == id.cert_pem && (*it)->key_pem == id.key_pem) {
        std::unique_ptr<Connection> conn = std::move(*it);
        impl.idle.erase(it);
        return conn;
      }
    }
  }
  return connect_with(impl, id);
}

void release(KubeClient::Impl& impl, std::unique_ptr<Connection> conn, size_t max_idle) {
  std::lock_guard<std::mutex> lock(impl.mu);
  if (impl.idle.size() < max_idle) impl.idle.push_back(std::move(conn));
}

// Why a request got no HTTP answer. `elapsed` tells a timeout from a peer that hung up early;
// `ssl_error` is the first OpenSSL error queued on this thread (its reason tells a plain-HTTP
// port).
Error transport_error(httplib::Error err, const std::string& url, std::chrono::milliseconds timeout,
                      std::chrono::milliseconds elapsed, unsigned long ssl_error) {
  std::string seconds = std::to_string(timeout.count() / 1000);
  if (timeout.count() % 1000 != 0) seconds += "." + std::to_string(timeout.count() % 1000 / 100);
  // The socket waits are the timeout itself: a little less means the peer ended it.
  const bool timed_out = elapsed + std::chrono::milliseconds(50) >= timeout;
  const std::string within = " within " + seconds +
                             " s (--request-timeout; the server accepted the connection but did "
                             "not answer)";
  switch (err) {
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLServerVerification:
      if (!tls::last_verify_error().empty()) {
        return {ErrorCode::kUnavailable,
                "GET " + url + ": the server's certificate is not trusted (" +
                    tls::last_verify_error() +
                    "); check certificate-authority and tls-server-name in the kubeconfig"};
      }
      if (ERR_GET_LIB(ssl_error) == ERR_LIB_SSL &&
          (ERR_GET_REASON(ssl_error) == SSL_R_WRONG_VERSION_NUMBER ||
           ERR_GET_REASON(ssl_error) == SSL_R_PACKET_LENGTH_TOO_LONG)) {
        return {ErrorCode::kUnavailable,
                "GET " + url +
                    ": the server did not answer in TLS (a plain-HTTP port?); the server URL "
                    "must be the API server's https:// address"};
      }
      if (timed_out) return {ErrorCode::kUnavailable, "GET " + url + ": no TLS handshake" + within};
      if (const char* reason = ssl_error != 0 ? ERR_reason_error_string(ssl_error) : nullptr) {
        return {ErrorCode::kUnavailable,
                "GET " + url + ": TLS handshake failed (" + std::string(reason) + ")"};
      }
      return {ErrorCode::kUnavailable, "GET " + url + ": TLS handshake failed"};
    case httplib::Error::Connection:
    case httplib::Error::ConnectionTimeout:
      return {ErrorCode::kUnavailable, "GET " + url + ": cannot connect to the API server (" +
                                           httplib::to_string(err) + ")"};
    case httplib::Error::Read:
      if (timed_out) return {ErrorCode::kUnavailable, "GET " + url + ": no answer" + within};
      return {ErrorCode::kUnavailable,
              "GET " + url + ": the server closed the connection before the answer was complete"};
    default:
      return {ErrorCode::kUnavailable, "GET " + url + ": " + httplib::to_string(err)};
  }
}

}  // namespace

Result<json> KubeClient::get_json(std::string_view path_and_query, std::string_view accept) {
  const std::string target = impl_->url.path + std::string(path_and_query);
  const std::string url = config_.server + std::string(path_and_query);
  bool refreshed = false;
  std::chrono::milliseconds waited{0};
  for (int attempt = 1;; ++attempt) {
    Result<Identity> id =
        current_identity(config_, credentials_, *impl_, refreshed && attempt == 1);
    if (!id.ok()) return id.error();
    Result<std::unique_ptr<Connection>> conn = acquire(*impl_, id.value());
    if (!conn.ok()) return conn.error();
    httplib::Headers headers{{"Accept", std::string(accept.empty() ? kJsonAccept : accept)},
                             {"User-Agent", "kubectl-aksarc_support"}};
    if (!id.value().token.empty()) {
      headers.emplace("Authorization", "Bearer " + id.value().token);
    }
    tls::clear_last_verify_error();
    ERR_clear_error();
    const auto started = std::chrono::steady_clock::now();
    httplib::Result res = conn.value()->client->Get(target, headers);
    if (!res) {
      auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      // The first queued error is the cause; later ones come from the clean-up (SSL_shutdown).
      Error e = transport_error(res.error(), url, impl_->timeout, elapsed, ERR_peek_error());
      ERR_clear_error();
      return e;
    }
    ApiAnswer a{res->status, std::move(res->body), res->get_header_value("Retry-After"),
                res->get_header_value("Location")};
    release(*impl_, std::move(conn).value(), options_.max_idle_connections);
    if (a.status == 401 && !refreshed) {  // once: the token may have rotated or expired
      refreshed = true;
      attempt = 0;
      continue;
    }
    if (retryable_status(a.status) && attempt < options_.max_attempts) {
      auto wait = parse_retry_after(a.retry_after)
                      .value_or(options_.initial_backoff * (int64_t{1} << (attempt - 1)));
      if (waited + wait <= options_.max_total_backoff) {
        std::this_thread::sleep_for(wait);
        waited += wait;
        continue;
      }
    }
    return interpret_answer(a, url, attempt);
  }
}

namespace {

std::string list_query(const ListOptions& options, const std::string& continue_token) {
  std::vector<std::string> params;
  if (options.limit > 0) params.push_back("limit=" + std::to_string(options.limit));
  if (!options.label_selector.empty()) {
    params.push_back("labelSelector=" + percent_encode(options.label_selector));
  }
  if (!options.field_selector.empty()) {
    params.push_back("fieldSelector=" + percent_encode(options.field_selector));
  }
  if (!continue_token.empty()) params.push_back("continue=" + percent_encode(continue_token));
  std::string query;
  for (const std::string& p : params) query += (query.empty() ? "?" : "&") + p;
  return query;
}

}  // namespace

Result<json> KubeClient::list(const ResourceKey& key, const ListOptions& options) {
  const std::string accept =
      options.metadata_only
          ? "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json"
          : std::string(kJsonAccept);
  ListMerger merger(key.describe(), options_.max_pages);
  std::string continue_token;
  while (true) {
    Result<json> page = get_json(key.path() + list_query(options, continue_token), accept);
    if (!page.ok()) return page.error();
    Result<std::string> next = merger.add(std::move(page).value(), options.trim_item);
    if (!next.ok()) return next.error();
    if (next.value().empty()) return merger.take();
    continue_token = std::move(next).value();
  }
}

}  // namespace aksarc::kube
