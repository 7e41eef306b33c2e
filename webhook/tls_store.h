#pragma once
// The serving certificate, its key and the client CAs, swappable while the server runs.
//
// configure() installs an OpenSSL certificate callback on the server's SSL_CTX: every new
// handshake takes the newest certificate and client-CA store at that moment, while connections
// already established keep the ones they started with (each SSL holds its own references).
// reload_*() parse the files completely before swapping, so a half-written or mismatched file
// never replaces a good one.
//
// TLS policy: TLS 1.2 minimum; for TLS 1.2 only ECDHE key exchange with AEAD ciphers; no
// compression, renegotiation or session resumption (every connection is verified against the
// current client CAs and sees the current certificate). With a client CA file, a client
// certificate is required and verified; with allowed CNs, a leaf whose common name is not
// listed fails the handshake.
//
// Thread-safe: the callbacks run on the server's worker threads, reloads on another thread.

#include <openssl/ssl.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"

namespace aksarc::webhook {

struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;           // empty: no client-certificate verification
  std::vector<std::string> client_cns;  // empty: any CN the client CAs signed
};

// Facts about a loaded certificate, for logs and metrics.
struct CertificateInfo {
  std::string subject;             // RFC 2253
  std::string serial;              // hex
  std::string sha256_fingerprint;  // "AB:CD:..." as `openssl x509 -fingerprint -sha256` prints
  double not_after = 0;            // Unix seconds
};

class TlsStore {
 public:
  // Loads the certificate chain, the key (which must match the leaf) and the client CAs.
  // Errors name the file and the reason, e.g. "cannot load certificate /x: no PEM
  // certificate found (PEM routines: no start line)".
  static Result<std::unique_ptr<TlsStore>> create(TlsFiles files);

  ~TlsStore();
  TlsStore(const TlsStore&) = delete;
  TlsStore& operator=(const TlsStore&) = delete;

  // Sets the TLS policy and the callbacks on `ctx`. This store must outlive every use of ctx.
  // Errors: an OpenSSL call failed (message says which).
  Status configure(SSL_CTX& ctx);

  // Re-reads certificate and key. On error the previous pair stays in use.
  Result<CertificateInfo> reload_certificate();

  // Re-reads the client CA file. On error (or without one) the previous CAs stay in use.
  Status reload_client_ca();

  CertificateInfo certificate_info() const;
  const TlsFiles& files() const { return files_; }

  struct ServingCert;
  struct ClientCa;

 private:
  explicit TlsStore(TlsFiles files);

  static int on_certificate(SSL* ssl, void* arg);
  static int on_verify(int preverify_ok, X509_STORE_CTX* store_ctx);
  bool cn_allowed(X509* leaf) const;

  const TlsFiles files_;
  mutable std::mutex mu_;
  std::shared_ptr<const ServingCert> cert_;    // never null after create()
  std::shared_ptr<const ClientCa> client_ca_;  // null without a client CA file
};

}  // namespace aksarc::webhook
