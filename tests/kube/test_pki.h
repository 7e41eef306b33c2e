#pragma once
// Test certificates made in-process with OpenSSL: a CA, server and client certificates signed by
// it, as PEM text. For tests only: short-lived P-256 keys, no error handling beyond CHECKs.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace aksarc::kube::testing {

struct Pem {
  std::string cert;
  std::string key;
};

namespace pki_detail {

inline std::string to_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

inline std::string to_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(size));
  BIO_free(bio);
  return out;
}

inline void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

inline EVP_PKEY* read_key(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return key;
}

inline X509* read_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

}  // namespace pki_detail

// A certificate for `cn`, signed by `issuer` (self-signed when issuer is null). `sans` is an
// OpenSSL subjectAltName value such as "IP:127.0.0.1,DNS:localhost" ("" = none).
inline Pem make_cert(const std::string& cn, const Pem* issuer, bool is_ca, const std::string& sans,
                     bool client_auth = false) {
  using namespace pki_detail;
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(cert), ++serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* issuer_cert = issuer ? read_cert(issuer->cert) : cert;
  EVP_PKEY* issuer_key = issuer ? read_key(issuer->key) : key;
  X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert));
  add_ext(cert, issuer_cert, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
  if (is_ca) add_ext(cert, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (!sans.empty()) add_ext(cert, issuer_cert, NID_subject_alt_name, sans.c_str());
  if (!is_ca)
    add_ext(cert, issuer_cert, NID_ext_key_usage, client_auth ? "clientAuth" : "serverAuth");
  X509_sign(cert, issuer_key, EVP_sha256());
  Pem out{to_pem(cert), to_pem(key)};
  if (issuer) {
    X509_free(issuer_cert);
    EVP_PKEY_free(issuer_key);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

// A CA and what it signed, made once per test binary (key generation is not free).
struct TestPki {
  Pem ca = make_cert("test-ca", nullptr, true, "");
  Pem other_ca = make_cert("other-ca", nullptr, true, "");
  Pem server = make_cert("apiserver", &ca, false, "IP:127.0.0.1,DNS:localhost");
  Pem named_server = make_cert("apiserver", &ca, false, "DNS:kube.internal");
  Pem client = make_cert("tester", &ca, false, "", true);
  Pem stranger = make_cert("stranger", &other_ca, false, "", true);
};

inline const TestPki& pki() {
  static const TestPki instance;
  return instance;
}

}  // namespace aksarc::kube::testing
