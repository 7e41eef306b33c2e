#pragma once
// OpenSSL setup for the client's connections, kept apart from the HTTP logic: we verify the
// server ourselves in OpenSSL (chain against our own store, hostname against tls-server-name)
// rather than through cpp-httplib 0.11.4, which can neither send another SNI name nor check the
// certificate against a name other than the host it connects to, and which adds the system
// store to a custom CA.

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <string>

#include "core/result.h"

namespace aksarc::kube::tls {

// What to trust and whom to expect: borrowed by the SSL_CTX callbacks, so it must outlive every
// context it configures.
struct ServerIdentity {
  std::string ca_pem;  // "" = the system's default store
  bool insecure_skip_verify = false;
  std::string verify_name;  // the name (or IP address) the certificate must carry
  std::string sni_name;     // sent as SNI instead of the host; "" = the host
};

// Applies TLS 1.2+, the trust store and verification of `server` to `ctx`. Errors:
// kInvalidArgument when the CA PEM holds no certificate. Not thread-safe for one ctx.
Status configure_server_trust(SSL_CTX* ctx, const ServerIdentity& server);

// Installs the client certificate (with any chain certificates after it) and its key. Errors:
// kInvalidArgument when either does not parse or the key does not match the certificate.
Status configure_client_certificate(SSL_CTX* ctx, const std::string& cert_pem,
                                    const std::string& key_pem);

// Why the last handshake on this thread failed verification ("" when it did not): the verify
// callback records it; cleared by clear_last_verify_error().
const std::string& last_verify_error();
void clear_last_verify_error();

}  // namespace aksarc::kube::tls
