#pragma once
// A tiny HTTPS server for client tests: serves whatever `handler` answers, on an ephemeral
// loopback port, with a certificate from test_pki.h; optionally requires client certificates and
// records the SNI name it was asked for. Stops (and joins) in its destructor.

#include <httplib.h>
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "tests/kube/test_pki.h"

namespace aksarc::kube::testing {

class TestServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  TestServer(const Pem& cert, Handler handler, const Pem* client_ca = nullptr)
      : server_([this, cert, client_ca](SSL_CTX& ctx) { return setup(ctx, cert, client_ca); }) {
    server_.Get(".*", [handler](const httplib::Request& req, httplib::Response& res) {
      handler(req, res);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      stopped_ = true;
    });
    // stop() before the listen loop runs would be lost: wait (bounded) until it runs.
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~TestServer() {
    for (int i = 0; i < 500 && !stopped_; ++i) {
      server_.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    thread_.join();
  }

  int port() const { return port_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  std::string sni() {
    std::lock_guard<std::mutex> lock(mu_);
    return sni_;
  }

 private:
  static int on_servername(SSL* ssl, int* /*alert*/, void* arg) {
    auto* self = static_cast<TestServer*>(arg);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    std::lock_guard<std::mutex> lock(self->mu_);
    self->sni_ = name == nullptr ? "" : name;
    return SSL_TLSEXT_ERR_OK;
  }

  bool setup(SSL_CTX& ctx, const Pem& cert, const Pem* client_ca) {
    X509* x = pki_detail::read_cert(cert.cert);
    EVP_PKEY* key = pki_detail::read_key(cert.key);
    bool ok = SSL_CTX_use_certificate(&ctx, x) == 1 && SSL_CTX_use_PrivateKey(&ctx, key) == 1;
    X509_free(x);
    EVP_PKEY_free(key);
    SSL_CTX_set_tlsext_servername_callback(&ctx, on_servername);
    SSL_CTX_set_tlsext_servername_arg(&ctx, this);
    if (client_ca != nullptr) {
      X509_STORE* store = X509_STORE_new();
      X509* ca = pki_detail::read_cert(client_ca->cert);
      X509_STORE_add_cert(store, ca);
      X509_free(ca);
      SSL_CTX_set_cert_store(&ctx, store);
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    return ok;
  }

  std::mutex mu_;
  std::string sni_;
  httplib::SSLServer server_;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
};

inline void reply_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

}  // namespace aksarc::kube::testing
