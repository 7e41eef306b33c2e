#pragma once
// The webhook's serving certificate without cert-manager, as scripts/self-signed-certs.sh makes
// it (P-256 keys; a CA valid 10 years; a serving certificate valid 1 year for the Service's DNS
// names), for `install` without --cert-manager.

#include <string>

#include "core/result.h"

namespace aksarc::plugin {

struct WebhookCertificates {
  std::string ca_crt;   // PEM
  std::string tls_crt;  // PEM, signed by the CA
  std::string tls_key;  // PEM (PKCS#8)
};

// The Service's DNS names the certificate carries: NAME, NAME.NS, NAME.NS.svc,
// NAME.NS.svc.cluster.local.
inline constexpr const char* kWebhookService = "aksarc-support-webhook";
inline constexpr const char* kWebhookNamespace = "aksarc-support";

// With `dir` empty: a new CA and serving certificate, in memory. With `dir`: the script's layout
// (ca.crt, ca.key, tls.crt, tls.key). Files present are used as they are (so install prints what
// `kubectl kustomize` of the self-signed overlay prints for the same folder); a missing serving
// certificate is issued by the CA in `dir`, a missing CA is created; new files are written there
// (keys mode 0600). Errors: kIo (unreadable or unwritable files), kParse (files that are not
// PEM certificates or keys), kInternal (OpenSSL failures). Thread-safe.
Result<WebhookCertificates> load_or_create_certificates(const std::string& dir);

}  // namespace aksarc::plugin
