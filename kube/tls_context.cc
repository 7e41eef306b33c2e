#include "kube/tls_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <vector>

namespace aksarc::kube::tls {
namespace {

thread_local std::string t_verify_error;

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

BioPtr memory_bio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Every certificate in `pem`, in order.
std::vector<X509Ptr> read_certificates(const std::string& pem) {
  std::vector<X509Ptr> out;
  BioPtr bio = memory_bio(pem);
  if (!bio) return out;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    out.emplace_back(cert);
  }
  ERR_clear_error();  // the loop ends on "no start line", which is not an error here
  return out;
}

int verify_callback(int ok, X509_STORE_CTX* store) {
  if (ok == 0 && t_verify_error.empty()) {
    t_verify_error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(store));
  }
  return ok;
}

int sni_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// cpp-httplib sets SNI to the host before the handshake; this runs just before the ClientHello
// is written and replaces it with tls-server-name, as client-go does.
void sni_callback(const SSL* ssl, int where, int /*ret*/) {
  if ((where & SSL_CB_HANDSHAKE_START) == 0) return;
  auto* name =
      static_cast<const std::string*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), sni_index()));
  if (name != nullptr && !name->empty()) {
    SSL_set_tlsext_host_name(const_cast<SSL*>(ssl), name->c_str());
  }
}

bool is_ip_address(const std::string& name) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

Result<X509_STORE*> make_store(const std::string& ca_pem) {
  X509_STORE* store = X509_STORE_new();
  if (store == nullptr) return Error{ErrorCode::kInternal, "out of memory"};
  if (ca_pem.empty()) {
    X509_STORE_set_default_paths(store);
    return store;
  }
  std::vector<X509Ptr> certs = read_certificates(ca_pem);
  if (certs.empty()) {
    X509_STORE_free(store);
    return invalid_argument("certificate-authority holds no PEM certificate");
  }
  for (const X509Ptr& cert : certs) X509_STORE_add_cert(store, cert.get());
  return store;
}

}  // namespace

Status configure_server_trust(SSL_CTX* ctx, const ServerIdentity& server) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (!server.sni_name.empty()) {
    SSL_CTX_set_ex_data(ctx, sni_index(), const_cast<std::string*>(&server.sni_name));
    SSL_CTX_set_info_callback(ctx, sni_callback);
  }
  if (server.insecure_skip_verify) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    return {};
  }
  Result<X509_STORE*> store = make_store(server.ca_pem);
  if (!store.ok()) return store.error();
  SSL_CTX_set_cert_store(ctx, store.value());  // the context owns it now
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_callback);
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  int set = is_ip_address(server.verify_name)
                ? X509_VERIFY_PARAM_set1_ip_asc(param, server.verify_name.c_str())
                : X509_VERIFY_PARAM_set1_host(param, server.verify_name.c_str(), 0);
  if (set != 1) return invalid_argument("cannot verify the server as " + server.verify_name);
  return {};
}

Status configure_client_certificate(SSL_CTX* ctx, const std::string& cert_pem,
                                    const std::string& key_pem) {
  std::vector<X509Ptr> certs = read_certificates(cert_pem);
  if (certs.empty()) return invalid_argument("client-certificate holds no PEM certificate");
  BioPtr key_bio = memory_bio(key_pem);
  std::unique_ptr<EVP_PKEY, KeyDeleter> key(
      key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    ERR_clear_error();
    return invalid_argument("client-key holds no PEM private key");
  }
  bool ok = SSL_CTX_use_certificate(ctx, certs[0].get()) == 1;
  for (size_t i = 1; ok && i < certs.size(); ++i) {
    ok = SSL_CTX_add1_chain_cert(ctx, certs[i].get()) == 1;
  }
  ok = ok && SSL_CTX_use_PrivateKey(ctx, key.get()) == 1 && SSL_CTX_check_private_key(ctx) == 1;
  ERR_clear_error();
  if (!ok) return invalid_argument("client-key does not match client-certificate");
  return {};
}

const std::string& last_verify_error() { return t_verify_error; }
void clear_last_verify_error() { t_verify_error.clear(); }

}  // namespace aksarc::kube::tls
