#include "webhook/tls_store.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <utility>

#include "webhook/file_watcher.h"

namespace aksarc::webhook {
namespace {

// TLS 1.2 suites: forward secrecy (ECDHE) and AEAD only. TLS 1.3 suites are all AEAD already.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr size_t kMaxPemBytes = size_t{1024} * 1024;
constexpr unsigned char kSessionContext[] = "aksarc-support-webhook";

struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct StoreFree {
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using StorePtr = std::unique_ptr<X509_STORE, StoreFree>;

// Drains this thread's OpenSSL error queue into "lib: reason; ...".
std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    const char* lib = ERR_lib_error_string(e);
    const char* reason = ERR_reason_error_string(e);
    if (!out.empty()) out += "; ";
    out += std::string(lib ? lib : "OpenSSL") + ": " + (reason ? reason : "unknown error");
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

Error load_error(std::string_view what, const std::string& path, std::string_view why) {
  return io_error("cannot load " + std::string(what) + " " + path + ": " + std::string(why));
}

// The reason part of a read_small_file() error ("<path>: <reason>").
std::string read_failure(const Error& error, const std::string& path) {
  const std::string& m = error.message;
  return m.compare(0, path.size() + 2, path + ": ") == 0 ? m.substr(path.size() + 2) : m;
}

// Never prompts on a terminal for a passphrase: an encrypted key simply fails to load.
int no_password(char*, int, int, void*) { return 0; }

// Reads every certificate in a PEM file (at least one).
Result<std::vector<X509Ptr>> read_certificates(std::string_view what, const std::string& path) {
  auto pem = read_small_file(path, kMaxPemBytes);
  if (!pem.ok()) return load_error(what, path, read_failure(pem.error(), path));
  ERR_clear_error();
  BioPtr bio(BIO_new_mem_buf(pem.value().data(), static_cast<int>(pem.value().size())));
  if (!bio) return load_error(what, path, openssl_errors());
  std::vector<X509Ptr> certs;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, no_password, nullptr)) {
    certs.emplace_back(x);
  }
  unsigned long last = ERR_peek_last_error();
  bool at_end = ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  if (certs.empty())
    return load_error(what, path, "no PEM certificate found (" + openssl_errors() + ")");
  if (!at_end) return load_error(what, path, "malformed certificate (" + openssl_errors() + ")");
  ERR_clear_error();
  return certs;
}

Result<PkeyPtr> read_private_key(const std::string& path) {
  auto pem = read_small_file(path, kMaxPemBytes);
  if (!pem.ok()) return load_error("private key", path, read_failure(pem.error(), path));
  ERR_clear_error();
  BioPtr bio(BIO_new_mem_buf(pem.value().data(), static_cast<int>(pem.value().size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr) : nullptr);
  if (!key)
    return load_error("private key", path, "no usable PEM private key (" + openssl_errors() + ")");
  return key;
}

std::string subject_of(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0) {
    ERR_clear_error();
    return "";
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : "";
}

std::string serial_of(X509* cert) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  char* hex = bn ? BN_bn2hex(bn) : nullptr;
  std::string out = hex ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

std::string fingerprint_of(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha256(), md, &n) != 1) return "";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, i + 1 < n ? "%02X:" : "%02X", md[i]);
    out += hex;
  }
  return out;
}

double not_after_of(X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return 0;
  return static_cast<double>(timegm(&tm));
}

}  // namespace

struct TlsStore::ServingCert {
  X509Ptr leaf;
  PkeyPtr key;
  STACK_OF(X509) * chain = nullptr;  // owned: intermediates after the leaf
  CertificateInfo info;

  ~ServingCert() { sk_X509_pop_free(chain, X509_free); }
};

struct TlsStore::ClientCa {
  StorePtr store;
  STACK_OF(X509_NAME) * names = nullptr;  // owned: sent in the CertificateRequest

  ~ClientCa() { sk_X509_NAME_pop_free(names, X509_NAME_free); }
};

namespace {

Result<std::shared_ptr<const TlsStore::ServingCert>> load_serving_cert(const TlsFiles& files) {
  auto certs = read_certificates("certificate", files.cert_file);
  if (!certs.ok()) return certs.error();
  auto key = read_private_key(files.key_file);
  if (!key.ok()) return key.error();
  auto out = std::make_shared<TlsStore::ServingCert>();
  out->leaf = std::move(certs.value().front());
  if (X509_check_private_key(out->leaf.get(), key.value().get()) != 1) {
    ERR_clear_error();
    return io_error("private key " + files.key_file + " does not match certificate " +
                    files.cert_file);
  }
  out->key = std::move(key).value();
  out->chain = sk_X509_new_null();
  if (!out->chain) return load_error("certificate", files.cert_file, openssl_errors());
  for (size_t i = 1; i < certs.value().size(); ++i) {
    X509* intermediate = certs.value()[i].release();  // the stack owns it once pushed
    if (sk_X509_push(out->chain, intermediate) <= 0) {
      X509_free(intermediate);
      return load_error("certificate", files.cert_file, openssl_errors());
    }
  }
  X509* leaf = out->leaf.get();
  out->info = {subject_of(leaf), serial_of(leaf), fingerprint_of(leaf), not_after_of(leaf)};
  return std::shared_ptr<const TlsStore::ServingCert>(std::move(out));
}

Result<std::shared_ptr<const TlsStore::ClientCa>> load_client_ca(const std::string& path) {
  auto certs = read_certificates("client CA file", path);
  if (!certs.ok()) return certs.error();
  auto out = std::make_shared<TlsStore::ClientCa>();
  out->store.reset(X509_STORE_new());
  out->names = sk_X509_NAME_new_null();
  if (!out->store || !out->names) return load_error("client CA file", path, openssl_errors());
  for (const auto& cert : certs.value()) {
    X509_NAME* name = X509_NAME_dup(X509_get_subject_name(cert.get()));
    if (X509_STORE_add_cert(out->store.get(), cert.get()) != 1 || !name ||
        sk_X509_NAME_push(out->names, name) <= 0) {
      X509_NAME_free(name);
      return load_error("client CA file", path, openssl_errors());
    }
  }
  return std::shared_ptr<const TlsStore::ClientCa>(std::move(out));
}

int store_ex_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

}  // namespace

TlsStore::TlsStore(TlsFiles files) : files_(std::move(files)) {}
TlsStore::~TlsStore() = default;

Result<std::unique_ptr<TlsStore>> TlsStore::create(TlsFiles files) {
  std::unique_ptr<TlsStore> store(new TlsStore(std::move(files)));
  auto cert = load_serving_cert(store->files_);
  if (!cert.ok()) return cert.error();
  store->cert_ = std::move(cert).value();
  if (!store->files_.client_ca_file.empty()) {
    auto ca = load_client_ca(store->files_.client_ca_file);
    if (!ca.ok()) return ca.error();
    store->client_ca_ = std::move(ca).value();
  }
  return store;
}

Status TlsStore::configure(SSL_CTX& ctx) {
  ERR_clear_error();
  auto fail = [](std::string_view what) {
    return io_error("TLS setup: " + std::string(what) + " failed: " + openssl_errors());
  };
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1) return fail("minimum version");
  if (SSL_CTX_set_cipher_list(&ctx, kTls12Ciphers) != 1) return fail("cipher list");
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(&ctx, SSL_SESS_CACHE_OFF);
  if (SSL_CTX_set_session_id_context(&ctx, kSessionContext, sizeof kSessionContext - 1) != 1) {
    return fail("session id context");
  }
  if (store_ex_index() < 0 || SSL_CTX_set_ex_data(&ctx, store_ex_index(), this) != 1) {
    return fail("ex data");
  }
  SSL_CTX_set_cert_cb(&ctx, &TlsStore::on_certificate, this);
  if (client_ca_) {
    int mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT | SSL_VERIFY_CLIENT_ONCE;
    SSL_CTX_set_verify(&ctx, mode, files_.client_cns.empty() ? nullptr : &TlsStore::on_verify);
  }
  return {};
}

Result<CertificateInfo> TlsStore::reload_certificate() {
  auto cert = load_serving_cert(files_);
  if (!cert.ok()) return cert.error();
  CertificateInfo info = cert.value()->info;
  std::lock_guard lock(mu_);
  cert_ = std::move(cert).value();
  return info;
}

Status TlsStore::reload_client_ca() {
  if (files_.client_ca_file.empty()) return {};
  auto ca = load_client_ca(files_.client_ca_file);
  if (!ca.ok()) return ca.error();
  std::lock_guard lock(mu_);
  client_ca_ = std::move(ca).value();
  return {};
}

CertificateInfo TlsStore::certificate_info() const {
  std::lock_guard lock(mu_);
  return cert_->info;
}

// Runs at the start of each handshake, before the certificate is chosen and the client's
// certificate is requested.
int TlsStore::on_certificate(SSL* ssl, void* arg) {
  auto* self = static_cast<TlsStore*>(arg);
  std::shared_ptr<const ServingCert> cert;
  std::shared_ptr<const ClientCa> ca;
  {
    std::lock_guard lock(self->mu_);
    cert = self->cert_;
    ca = self->client_ca_;
  }
  // Each call takes its own references: the SSL keeps them after a reload drops ours.
  if (SSL_use_cert_and_key(ssl, cert->leaf.get(), cert->key.get(), cert->chain, 1) != 1) return 0;
  if (!ca) return 1;
  if (SSL_set1_verify_cert_store(ssl, ca->store.get()) != 1) return 0;
  STACK_OF(X509_NAME)* names = SSL_dup_CA_list(ca->names);
  if (!names) return 0;
  SSL_set_client_CA_list(ssl, names);  // takes ownership
  return 1;
}

int TlsStore::on_verify(int preverify_ok, X509_STORE_CTX* store_ctx) {
  if (preverify_ok != 1) return 0;
  if (X509_STORE_CTX_get_error_depth(store_ctx) != 0) return 1;  // only the leaf has a CN to check
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self =
      ssl ? static_cast<TlsStore*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), store_ex_index()))
          : nullptr;
  if (self && self->cn_allowed(X509_STORE_CTX_get_current_cert(store_ctx))) return 1;
  X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

// Exactly one CN, and it is listed: a certificate with two CNs is ambiguous and refused.
bool TlsStore::cn_allowed(X509* leaf) const {
  if (!leaf) return false;
  X509_NAME* subject = X509_get_subject_name(leaf);
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0 || X509_NAME_get_index_by_NID(subject, NID_commonName, index) >= 0) return false;
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return false;
  std::string cn(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  const auto& allowed = files_.client_cns;
  return std::find(allowed.begin(), allowed.end(), cn) != allowed.end();
}

}  // namespace aksarc::webhook
